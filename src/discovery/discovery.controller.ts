import { Controller, Get, Header } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/decorators/public.decorator';
import { HTTP_SCOPES, SCOPES } from '../auth/scopes';
import { SIGNING_ALGORITHMS, SignetConfig } from '../config/signet-config';

/** RFC 8414 authorization-server metadata, also served at the OpenID Connect path. */
@ApiTags('discovery')
@Public()
@Controller('.well-known')
export class DiscoveryController {
  private readonly metadata: Record<string, unknown>;

  constructor(config: SignetConfig) {
    const base = config.issuer;
    this.metadata = {
      issuer: base,
      jwks_uri: `${base}/.well-known/jwks.json`,
      token_endpoint: `${base}/oauth/token`,
      introspection_endpoint: `${base}/oauth/introspect`,
      revocation_endpoint: `${base}/oauth/revoke`,
      grant_types_supported: [
        'client_credentials',
        'urn:ietf:params:oauth:grant-type:token-exchange',
      ],
      token_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
        'private_key_jwt',
      ],
      token_endpoint_auth_signing_alg_values_supported: ['PS256', 'RS256', 'ES256', 'EdDSA'],
      introspection_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
        'private_key_jwt',
      ],
      revocation_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
        'private_key_jwt',
      ],
      scopes_supported: [...HTTP_SCOPES, SCOPES.adoptionsProcess],
      response_types_supported: ['token'],
      id_token_signing_alg_values_supported: [...SIGNING_ALGORITHMS],
      subject_types_supported: ['public'],
    };
  }

  @Get('openid-configuration')
  @Header('Cache-Control', 'public, max-age=3600')
  openidConfiguration(): Record<string, unknown> {
    return this.metadata;
  }

  @Get('oauth-authorization-server')
  @Header('Cache-Control', 'public, max-age=3600')
  authorizationServer(): Record<string, unknown> {
    return this.metadata;
  }
}
