import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock';
import { SignetConfig } from '../config/signet-config';
import { KeyStore, SigningKeyHandle } from '../keys/key-store.service';
import { MetricsService } from '../metrics/metrics.service';
import { encodeJwsHeader, EncodedJwsHeader, JwsHeader, JwsSigner } from './jws-signer';

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

/** The registered claims of every access token, plus whatever a grant adds. */
export interface AccessTokenClaimSet extends Record<string, unknown> {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  iat: number;
  jti: string;
  client_id: string;
  scope: string;
  username?: string;
}

export interface IssuedAccessToken {
  token: string;
  expiresIn: number;
  scope: string;
}

/** Signs RFC 9068 access tokens with the active key. */
@Injectable()
export class AccessTokenIssuer {
  private readonly signer = new JwsSigner();
  /**
   * Each signing key's protected header per `typ`, encoded on its first token. A key set that
   * changes (a certificate issued for the key) brings a new handle, so a new entry.
   */
  private readonly headers = new WeakMap<SigningKeyHandle, Map<string, EncodedJwsHeader>>();

  constructor(
    private readonly keys: KeyStore,
    private readonly config: SignetConfig,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
  ) {}

  async issue(request: AccessTokenRequest): Promise<IssuedAccessToken> {
    const claims = this.claimsFor(request);
    const token = await this.sign(claims, 'at+jwt');
    this.metrics.tokensIssued.inc({ grant: request.grant });
    return { token, expiresIn: claims.exp - claims.iat, scope: claims.scope };
  }

  /** The RFC 9068 claims of a token, without signing it (opaque tokens store them). */
  claimsFor(request: AccessTokenRequest): AccessTokenClaimSet {
    const ttl = request.ttlSeconds ?? this.config.accessTokenTtlSeconds;
    const now = this.clock.nowSeconds();
    return {
      ...request.extraClaims,
      iss: this.config.issuer,
      sub: request.sub,
      aud: request.audience ?? this.config.audience,
      exp: now + ttl,
      iat: now,
      jti: randomUUID(),
      client_id: request.clientId,
      scope: request.scopes.join(' '),
      ...(request.username === undefined ? {} : { username: request.username }),
    };
  }

  /**
   * Signs a claim set with the active key, after recording that the key signs tokens living
   * this long (so it stays published until they expire).
   */
  async sign(
    claims: { exp: number; iat: number } & Record<string, unknown>,
    typ: string,
  ): Promise<string> {
    const key = await this.keys.signingKey();
    await this.keys.coverTokenLifetime(key.kid, Math.max(claims.exp - this.clock.nowSeconds(), 0));
    return this.signer.sign(this.headerFor(key, typ), claims, key.privateKey);
  }

  private headerFor(key: SigningKeyHandle, typ: string): EncodedJwsHeader {
    let byType = this.headers.get(key);
    if (!byType) {
      byType = new Map();
      this.headers.set(key, byType);
    }
    let header = byType.get(typ);
    if (!header) {
      header = encodeJwsHeader({ alg: key.alg, kid: key.kid, typ, ...this.certificateHeader(key) });
      byType.set(typ, header);
    }
    return header;
  }

  /**
   * TOKEN_HEADER_KEYS (CONTRACT §11): `x5c` carries the chain (RFC 7515 §4.1.6), `jwk` the
   * public JWK with its x5c (§4.1.3), so a verifier without the JWKS can check the token
   * against its trust anchors. `kid` stays in every mode.
   */
  private certificateHeader(key: SigningKeyHandle): Pick<JwsHeader, 'x5c' | 'jwk'> {
    switch (this.config.tokenHeaderKeys) {
      case 'kid':
        return {};
      case 'x5c':
        return key.certificateChain ? { x5c: key.certificateChain } : {};
      case 'jwk':
        return { jwk: key.publicJwk };
    }
  }
}
