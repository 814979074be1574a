import { Body, Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConsumes,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../auth/decorators/public.decorator';
import { SignetConfig } from '../config/signet-config';
import { presentedCredentials } from './client-credentials.from-request';
import { OAuthTokenResponse } from './dto/oauth-token.response';
import { isFormEncoded, readForm } from './form';
import { TokenService } from './token.service';

@ApiTags('oauth')
@Public()
@Controller('oauth')
export class TokenController {
  private readonly tokenEndpoint: string;

  constructor(
    private readonly tokens: TokenService,
    config: SignetConfig,
  ) {
    this.tokenEndpoint = `${config.issuer}/oauth/token`;
  }

  /** RFC 6749 §3.2 token endpoint: client_credentials (secret or private_key_jwt). */
  @Post('token')
  @HttpCode(200)
  // RFC 6749 §5.1: token responses must not be cached.
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBadRequestResponse({
    description: 'invalid_request, invalid_scope, unauthorized_client, unsupported_grant_type',
  })
  @ApiUnauthorizedResponse({ description: 'invalid_client' })
  @ApiTooManyRequestsResponse({
    description: 'too_many_requests: over TOKEN_RATE_LIMIT for this client; see Retry-After',
  })
  token(@Req() request: FastifyRequest, @Body() body: unknown): Promise<OAuthTokenResponse> {
    const form = readForm(body, isFormEncoded(request.headers));
    return this.tokens.token(form, presentedCredentials(request, form, this.tokenEndpoint));
  }
}
