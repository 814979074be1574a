import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { Clock } from '../../common/clock';
import { SignetConfig } from '../../config/signet-config';
import { Transactions } from '../../database/transactions';
import { RefreshToken } from './refresh-token.entity';

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Issues opaque refresh tokens (256 random bits), stored hashed. */
@Injectable()
export class RefreshTokensService {
  constructor(
    @InjectRepository(RefreshToken) private readonly tokens: Repository<RefreshToken>,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
    private readonly config: SignetConfig,
  ) {}

  /** A new token starting a chain (login) or continuing `chainId` (rotation). */
  async issue(userId: string, scope: string, chainId: string = randomUUID()): Promise<string> {
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
    await this.transactions.run((manager) => manager.withRepository(this.tokens).insert(row));
    return token;
  }
}
