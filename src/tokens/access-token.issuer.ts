import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CompactJWSHeaderParameters, CompactSign } from 'jose';
import { Clock } from '../common/clock';
import { SignetConfig } from '../config/signet-config';
import { KeyStore } from '../keys/key-store.service';
import { MetricsService } from '../metrics/metrics.service';

export interface AccessTokenRequest {
  /** Label for metrics: login, refresh, client_credentials, token_exchange. */
  grant: string;
  sub: string;
  clientId: string;
  scopes: readonly string[];
  username?: string;
  audience?: string;
  ttlSeconds?: number;
  /** Further claims (act, event_id, …); they cannot replace the registered ones. */
  extraClaims?: Record<string, unknown>;
}

export interface IssuedAccessToken {
  token: string;
  expiresIn: number;
  scope: string;
}

const encoder = new TextEncoder();

/** Signs RFC 9068 access tokens with the active key. */
@Injectable()
export class AccessTokenIssuer {
  constructor(
    private readonly keys: KeyStore,
    private readonly config: SignetConfig,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
  ) {}

  async issue(request: AccessTokenRequest): Promise<IssuedAccessToken> {
    const ttl = request.ttlSeconds ?? this.config.accessTokenTtlSeconds;
    const key = await this.keys.signingKey();
    await this.keys.coverTokenLifetime(key.kid, ttl);
    const now = this.clock.nowSeconds();
    const scope = request.scopes.join(' ');
    const claims = {
      ...request.extraClaims,
      iss: this.config.issuer,
      sub: request.sub,
      aud: request.audience ?? this.config.audience,
      exp: now + ttl,
      iat: now,
      jti: randomUUID(),
      client_id: request.clientId,
      scope,
      ...(request.username === undefined ? {} : { username: request.username }),
    };
    const header: CompactJWSHeaderParameters = { alg: key.alg, kid: key.kid, typ: 'at+jwt' };
    const token = await new CompactSign(encoder.encode(JSON.stringify(claims)))
      .setProtectedHeader(header)
      .sign(key.privateKey);
    this.metrics.tokensIssued.inc({ grant: request.grant });
    return { token, expiresIn: ttl, scope };
  }
}
