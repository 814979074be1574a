import { Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Clock } from '../../common/clock';
import { InvalidGrantError } from '../../common/errors/signet.errors';
import { SignetConfig } from '../../config/signet-config';
import { Transactions } from '../../database/transactions';
import { RefreshToken } from './refresh-token.entity';
import { RefreshTokensRepository } from './refresh-tokens.repository';

/** Refresh tokens are 256 random bits, so a fast hash is as good as a slow one. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** What a successful rotation hands back: the new token and what the old one carried. */
export interface RotatedRefreshToken {
  refreshToken: string;
  userId: string;
  scope: string;
}

// Longer values cannot be ours; refuse them before hashing.
const MAX_REFRESH_TOKEN_LENGTH = 128;

/**
 * Opaque refresh tokens in chains: login starts a chain, each use rotates to a new token in
 * the same chain, and presenting a used token revokes the whole chain (reuse detection).
 */
@Injectable()
export class RefreshTokensService {
  private readonly logger = new Logger(RefreshTokensService.name);

  constructor(
    private readonly repository: RefreshTokensRepository,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
    private readonly config: SignetConfig,
  ) {}

  /** A new token starting a chain (login). */
  async issue(userId: string, scope: string): Promise<string> {
    const { token, row } = this.newToken(userId, scope, randomUUID());
    await this.transactions.run((manager) => this.repository.insert(manager, row));
    return token;
  }

  /**
   * Uses a token once: a successor in its chain, or InvalidGrantError (revoking on reuse). The
   * request's id, when given, goes into the reuse warning (a security event to trace).
   */
  async rotate(token: string, requestId?: string): Promise<RotatedRefreshToken> {
    const tokenHash = this.hashOrFail(token);
    const now = this.clock.now();
    const outcome = await this.transactions.run(async (manager) => {
      const current = await this.repository.findByHash(tokenHash, manager);
      if (!current) {
        return { kind: 'rejected', reason: 'refresh_unknown' } as const;
      }
      if (await this.repository.markUsed(manager, tokenHash, now)) {
        const next = this.newToken(current.userId, current.scope, current.chainId);
        await this.repository.insert(manager, next.row);
        return {
          kind: 'rotated',
          rotated: { refreshToken: next.token, userId: current.userId, scope: current.scope },
        } as const;
      }
      if (current.usedAt !== null && current.revokedAt === null) {
        // RFC 9700 §4.14.2: a used token presented again means it leaked; end the chain.
        await this.repository.revokeChain(manager, current.chainId, now);
        return { kind: 'reused', reason: 'refresh_reused', chainId: current.chainId } as const;
      }
      return {
        kind: 'rejected',
        reason: current.revokedAt ? 'refresh_revoked' : 'refresh_expired',
      } as const;
    });
    if (outcome.kind === 'rotated') {
      return outcome.rotated;
    }
    if (outcome.kind === 'reused') {
      this.logger.warn(
        { requestId, chainId: outcome.chainId },
        'Refresh token reused: chain revoked',
      );
    }
    throw new InvalidGrantError(outcome.reason);
  }

  /** Revokes the chain a token belongs to; an unknown token is not an error (logout). */
  async revokeChainOf(token: string): Promise<void> {
    if (token.length > MAX_REFRESH_TOKEN_LENGTH) {
      return;
    }
    const current = await this.repository.findByHash(hashRefreshToken(token));
    if (current) {
      await this.transactions.run((manager) =>
        this.repository.revokeChain(manager, current.chainId, this.clock.now()),
      );
    }
  }

  async revokeAllOfUser(userId: string): Promise<void> {
    await this.transactions.run((manager) =>
      this.repository.revokeAllOfUser(manager, userId, this.clock.now()),
    );
  }

  async purgeExpired(): Promise<number> {
    return this.transactions.run((manager) =>
      this.repository.deleteExpired(manager, this.clock.now()),
    );
  }

  private hashOrFail(token: string): string {
    if (token.length > MAX_REFRESH_TOKEN_LENGTH) {
      throw new InvalidGrantError('refresh_malformed');
    }
    return hashRefreshToken(token);
  }

  private newToken(
    userId: string,
    scope: string,
    chainId: string,
  ): { token: string; row: RefreshToken } {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const row: RefreshToken = {
      id: randomUUID(),
      tokenHash: hashRefreshToken(token),
      userId,
      chainId,
      scope,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.config.refreshTokenTtlSeconds * 1000),
      usedAt: null,
      revokedAt: null,
    };
    return { token, row };
  }
}
