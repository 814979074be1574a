import { Body, Controller, Get, Header, HttpCode, Ip, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AuthService } from './auth.service';
import { Principal } from './decorators/principal.decorator';
import { Public } from './decorators/public.decorator';
import { LoginDto } from './dto/login.dto';
import { MeResponse } from './dto/me.response';
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

  @Get('me')
  @ApiBearerAuth()
  me(@Principal() principal: AuthenticatedPrincipal): MeResponse {
    return this.auth.me(principal);
  }
}
