import { Injectable } from '@nestjs/common';
import { ClientAuthenticationService } from '../clients/authentication/client-authentication.service';
import { PresentedClientCredentials } from '../clients/authentication/client-credentials';
import { GRANT_TYPES } from '../clients/client.entity';
import { OAuthError } from '../common/errors/signet.errors';
import { OAuthTokenResponse } from './dto/oauth-token.response';
import { OAuthForm } from './form';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { TokenExchangeGrant } from './grants/token-exchange.grant';
import { TokenRateLimitService } from './token-rate-limit.service';

const SUPPORTED_GRANTS: readonly string[] = [
  GRANT_TYPES.clientCredentials,
  GRANT_TYPES.tokenExchange,
];

/** POST /oauth/token: which grant, which client, then the grant's own rules. */
@Injectable()
export class TokenService {
  constructor(
    private readonly clientAuthentication: ClientAuthenticationService,
    private readonly clientCredentials: ClientCredentialsGrant,
    private readonly tokenExchange: TokenExchangeGrant,
    private readonly rateLimit: TokenRateLimitService,
  ) {}

  async token(
    form: OAuthForm,
    credentials: PresentedClientCredentials,
  ): Promise<OAuthTokenResponse> {
    const grantType = form.grant_type;
    if (grantType === undefined || grantType === '') {
      throw new OAuthError('invalid_request', 'grant_type is required');
    }
    if (!SUPPORTED_GRANTS.includes(grantType)) {
      throw new OAuthError('unsupported_grant_type', 'This grant type is not supported');
    }
    const client = await this.clientAuthentication.authenticate(credentials);
    // Issue 7: counted per client once authenticated, before anything is minted.
    await this.rateLimit.consume(client.clientId);
    if (!client.grantTypes.split(' ').includes(grantType)) {
      throw new OAuthError('unauthorized_client', 'This client may not use this grant type');
    }
    return grantType === GRANT_TYPES.tokenExchange
      ? this.tokenExchange.handle(client, form)
      : this.clientCredentials.handle(client, form);
  }
}
