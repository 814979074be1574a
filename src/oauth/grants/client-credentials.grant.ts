import { Injectable } from '@nestjs/common';
import { parseScopeString, SCOPES } from '../../auth/scopes';
import { Client } from '../../clients/client.entity';
import { OAuthError } from '../../common/errors/signet.errors';
import { SignetConfig } from '../../config/signet-config';
import { AccessTokenIssuer, AccessTokenRequest } from '../../tokens/access-token.issuer';
import { OpaqueTokensService } from '../../tokens/opaque/opaque-tokens.service';
import { OAuthTokenResponse } from '../dto/oauth-token.response';
import { OAuthForm } from '../form';

/** RFC 6749 §4.4: a client's own token, with a subset of its registered scopes. */
@Injectable()
export class ClientCredentialsGrant {
  constructor(
    private readonly issuer: AccessTokenIssuer,
    private readonly opaqueTokens: OpaqueTokensService,
    private readonly config: SignetConfig,
  ) {}

  async handle(client: Client, form: OAuthForm): Promise<OAuthTokenResponse> {
    const request: AccessTokenRequest = {
      grant: 'client_credentials',
      sub: client.clientId,
      clientId: client.clientId,
      scopes: this.grantedScopes(client, form.scope),
      audience: client.audience ?? this.config.audience,
      ttlSeconds: client.accessTokenTtlSeconds ?? this.config.accessTokenTtlSeconds,
    };
    if (client.accessTokenFormat === 'opaque') {
      const claims = this.issuer.claimsFor(request);
      const token = await this.opaqueTokens.issue(claims, request.grant);
      return {
        access_token: token,
        token_type: 'Bearer',
        expires_in: claims.exp - claims.iat,
        scope: claims.scope,
      };
    }
    const issued = await this.issuer.issue(request);
    return {
      access_token: issued.token,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      scope: issued.scope,
    };
  }

  /** RFC 6749 §3.3: absent scope → all the client may have (never the event-only scope). */
  private grantedScopes(client: Client, requested: string | undefined): string[] {
    const allowed = parseScopeString(client.scope).filter((s) => s !== SCOPES.adoptionsProcess);
    if (requested === undefined) {
      return allowed;
    }
    if (
      requested.length > 512 ||
      !/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/.test(requested)
    ) {
      throw new OAuthError('invalid_scope', 'The scope parameter is malformed');
    }
    const scopes = parseScopeString(requested);
    const refused = scopes.filter((s) => !allowed.includes(s));
    if (refused.length > 0) {
      throw new OAuthError(
        'invalid_scope',
        `Scope not allowed for this client: ${refused.join(' ')}`,
      );
    }
    return scopes;
  }
}
