import { Body, Controller, Get, Header, HttpCode, Ip, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { RequestId } from '../common/http/request-id.decorator';
import { AuthService } from './auth.service';
import { Principal } from './decorators/principal.decorator';
import { Public } from './decorators/public.decorator';
import { ChangePasswordDto } from './dto/change-password.dto';
import { LoginDto } from './dto/login.dto';
import { MeResponse } from './dto/me.response';
import { RefreshTokenDto } from './dto/refresh-token.dto';
import { TokenResponse } from './dto/token.response';
import { AuthenticatedPrincipal } from './principal';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  // RFC 6749 §5.1: responses carrying tokens must not be cached.
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiUnauthorizedResponse({ description: 'invalid_credentials' })
  @ApiTooManyRequestsResponse({ description: 'too many failures; see Retry-After' })
  login(@Body() body: LoginDto, @Ip() address: string): Promise<TokenResponse> {
    return this.auth.login(body, address);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiUnauthorizedResponse({ description: 'invalid_grant: unknown, expired, revoked or reused' })
  refresh(@Body() body: RefreshTokenDto, @RequestId() requestId: string): Promise<TokenResponse> {
    return this.auth.refresh(body.refresh_token, requestId);
  }

  /** Revokes the chain of a refresh token; 204 also for an unknown one. */
  @Public()
  @Post('logout')
  @HttpCode(204)
  logout(@Body() body: RefreshTokenDto): Promise<void> {
    return this.auth.logout(body.refresh_token);
  }

  @Post('password')
  @HttpCode(204)
  @ApiBearerAuth()
  changePassword(
    @Principal() principal: AuthenticatedPrincipal,
    @Body() body: ChangePasswordDto,
  ): Promise<void> {
    return this.auth.changePassword(principal, body);
  }

  @Get('me')
  @ApiBearerAuth()
  me(@Principal() principal: AuthenticatedPrincipal): MeResponse {
    return this.auth.me(principal);
  }
}
