import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
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
