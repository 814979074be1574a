import { Injectable } from '@nestjs/common';
import { AuthenticatedPrincipal } from '../auth/principal';
import { SCOPES } from '../auth/scopes';
import { Client, GRANT_TYPES } from '../clients/client.entity';
import { Clock } from '../common/clock';
import { ServiceUnavailableError } from '../common/errors/service-unavailable.error';
import { SignetConfig } from '../config/signet-config';
import { TokenExchangeGrant } from '../oauth/grants/token-exchange.grant';
import { checkAccessTokenClaims } from '../verifier/access-token-claims';

/** Signet's own OAuth client: the actor (`act.sub`) of every event token it mints. */
export const EVENTS_CLIENT_ID = 'signet-events';

/**
 * Signet itself, as the client of its event tokens. Never stored: it has no credentials,
 * cannot authenticate at any endpoint, and does not show in the clients admin API.
 */
const EVENTS_CLIENT: Readonly<Client> = Object.freeze({
  clientId: EVENTS_CLIENT_ID,
  clientName: 'Signet events (internal)',
  grantTypes: GRANT_TYPES.tokenExchange,
  tokenEndpointAuthMethod: 'client_secret_basic',
  secretHash: null,
  jwks: null,
  jwksUri: null,
  scope: SCOPES.adoptionsProcess,
  audience: null,
  accessTokenTtlSeconds: null,
  accessTokenFormat: 'jwt',
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

/**
 * Mints event tokens by RFC 8693 token exchange, in-process and under the same rules as
 * POST /oauth/token: the subject is the user token the guard verified, the client is
 * `signet-events`, the scope adoptions:process, bound to one event (CONTRACT §6, §9).
 */
@Injectable()
export class EventTokensService {
  constructor(
    private readonly grant: TokenExchangeGrant,
    private readonly config: SignetConfig,
    private readonly clock: Clock,
  ) {}

  async mint(
    principal: AuthenticatedPrincipal,
    eventId: string,
    eventPayloadHash: string,
  ): Promise<string> {
    // The claims were verified by the guard moments ago; checked again to type them.
    const subject = checkAccessTokenClaims('at+jwt', principal.claims, {
      issuer: this.config.issuer,
      audience: null,
      nowSeconds: this.clock.nowSeconds(),
      clockSkewSeconds: this.config.clockSkewSeconds,
    });
    if (!subject.ok) {
      throw new ServiceUnavailableError('The request could not be accepted', subject.reason);
    }
    const issued = await this.grant.exchange(EVENTS_CLIENT, subject.claims, {
      scope: SCOPES.adoptionsProcess,
      eventId,
      eventPayloadHash,
    });
    return issued.access_token;
  }
}
