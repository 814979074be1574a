import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { Clock } from '../../common/clock';
import { SignetConfig } from '../../config/signet-config';
import { Transactions } from '../../database/transactions';
import { MetricsService } from '../../metrics/metrics.service';
import { checkAccessTokenClaims } from '../../verifier/access-token-claims';
import { AccessTokenClaimSet } from '../access-token.issuer';
import { Verification } from '../access-token.verifier';
import { OpaqueToken } from './opaque-token.entity';

/** Opaque tokens are 256 random bits in base64url: 43 characters, never a JWT's dots. */
const OPAQUE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export function looksOpaque(token: string): boolean {
  return OPAQUE_TOKEN.test(token);
}

/** Issues, looks up and revokes opaque access tokens; the database is the only state. */
@Injectable()
export class OpaqueTokensService {
  constructor(
    @InjectRepository(OpaqueToken) private readonly tokens: Repository<OpaqueToken>,
    private readonly transactions: Transactions,
    private readonly config: SignetConfig,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
  ) {}

  async issue(claims: AccessTokenClaimSet, grant: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const row: OpaqueToken = {
      tokenHash: hashToken(token),
      clientId: claims.client_id,
      claims: JSON.stringify(claims),
      expiresAt: new Date(claims.exp * 1000),
      revokedAt: null,
    };
    await this.transactions.run((manager) => manager.withRepository(this.tokens).insert(row));
    this.metrics.tokensIssued.inc({ grant });
    return token;
  }

  /** The same decision as for a JWT, from the stored claims: unknown or revoked → refused. */
  async verify(
    token: string,
    audience: string | null = this.config.audience,
  ): Promise<Verification> {
    if (!looksOpaque(token)) {
      return { ok: false, reason: 'malformed' };
    }
    const row = await this.tokens.findOneBy({ tokenHash: hashToken(token) });
    if (!row || row.revokedAt !== null) {
      return { ok: false, reason: row ? 'revoked' : 'opaque_unknown' };
    }
    const result = checkAccessTokenClaims('at+jwt', JSON.parse(row.claims), {
      issuer: this.config.issuer,
      audience,
      nowSeconds: this.clock.nowSeconds(),
      clockSkewSeconds: this.config.clockSkewSeconds,
    });
    return result.ok ? { ok: true, claims: result.claims } : { ok: false, reason: result.reason };
  }

  /** Deletes tokens past their expiry (plus the clock skew): nothing can accept them any more. */
  async purgeExpired(): Promise<number> {
    const cutoff = (this.clock.nowSeconds() - this.config.clockSkewSeconds) * 1000;
    const result = await this.transactions.run((manager) =>
      manager
        .withRepository(this.tokens)
        .createQueryBuilder()
        .delete()
        .where('expires_at < :cutoff', { cutoff })
        .execute(),
    );
    return result.affected ?? 0;
  }

  /** RFC 7009: a client revokes only its own tokens; anything else changes nothing. */
  async revoke(token: string, clientId: string): Promise<void> {
    if (!looksOpaque(token)) {
      return;
    }
    await this.transactions.run((manager) =>
      manager
        .withRepository(this.tokens)
        .update(
          { tokenHash: hashToken(token), clientId, revokedAt: IsNull() },
          { revokedAt: this.clock.now() },
        ),
    );
  }
}
