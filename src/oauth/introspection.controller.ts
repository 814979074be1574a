import { Body, Controller, Header, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/decorators/public.decorator';
import { ClientAuthenticationService } from '../clients/authentication/client-authentication.service';
import { SignetConfig } from '../config/signet-config';
import { presentedCredentials } from './client-credentials.from-request';
import { isFormEncoded, readForm } from './form';
import { IntrospectionFormat, IntrospectionService } from './introspection.service';
import { RevocationService } from './revocation.service';

function requestedFormat(accept: string | undefined): IntrospectionFormat {
  const types = (accept ?? '').split(',').map((t) => t.split(';')[0].trim().toLowerCase());
  if (types.includes('application/token-introspection+jwt')) {
    return 'jwt';
  }
  return types.includes('application/jwt') ? 'phantom' : 'json';
}

/** RFC 7662 introspection and RFC 7009 revocation; both need client authentication. */
@ApiTags('oauth')
@Public()
@Controller('oauth')
export class IntrospectionController {
  private readonly baseUrl: string;

  constructor(
    private readonly clientAuthentication: ClientAuthenticationService,
    private readonly introspection: IntrospectionService,
    private readonly revocation: RevocationService,
    config: SignetConfig,
  ) {
    this.baseUrl = `${config.issuer}/oauth`;
  }

  @Post('introspect')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOkResponse({
    description: 'JSON (RFC 7662), a signed JWT (RFC 9701) or an access-token JWT (phantom swap)',
  })
  @ApiUnauthorizedResponse({ description: 'invalid_client' })
  async introspect(
    @Req() request: FastifyRequest,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | Record<string, unknown>> {
    const form = readForm(body, isFormEncoded(request.headers));
    const client = await this.clientAuthentication.authenticate(
      presentedCredentials(request, form, `${this.baseUrl}/introspect`),
    );
    const answer = await this.introspection.introspect(
      client,
      form,
      requestedFormat(request.headers.accept),
    );
    void reply.type(answer.contentType);
    return answer.body;
  }

  /** RFC 7009: 200 for any well-formed request; a client revokes only its own opaque tokens. */
  @Post('revoke')
  @HttpCode(200)
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiUnauthorizedResponse({ description: 'invalid_client' })
  async revoke(
    @Req() request: FastifyRequest,
    @Body() body: unknown,
  ): Promise<Record<string, never>> {
    const form = readForm(body, isFormEncoded(request.headers));
    const client = await this.clientAuthentication.authenticate(
      presentedCredentials(request, form, `${this.baseUrl}/revoke`),
    );
    await this.revocation.revoke(client, form);
    return {};
  }
}
