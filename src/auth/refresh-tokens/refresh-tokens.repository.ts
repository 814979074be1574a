import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { RefreshToken } from './refresh-token.entity';

@Injectable()
export class RefreshTokensRepository {
  constructor(@InjectRepository(RefreshToken) private readonly tokens: Repository<RefreshToken>) {}

  findByHash(tokenHash: string, manager?: EntityManager): Promise<RefreshToken | null> {
    return this.repository(manager).findOneBy({ tokenHash });
  }

  async insert(manager: EntityManager, token: RefreshToken): Promise<void> {
    await this.repository(manager).insert(token);
  }

  /**
   * Marks a token used if, and only if, it is still unused, unrevoked and unexpired: one
   * conditional UPDATE, so two instances presenting the same token cannot both win.
   */
  async markUsed(manager: EntityManager, tokenHash: string, now: Date): Promise<boolean> {
    const result = await this.repository(manager)
      .createQueryBuilder()
      .update()
      .set({ usedAt: now })
      .where('token_hash = :tokenHash', { tokenHash })
      .andWhere('used_at IS NULL AND revoked_at IS NULL')
      // Timestamps are epoch milliseconds; operators bypass the column transformer.
      .andWhere('expires_at > :now', { now: now.getTime() })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  async revokeChain(manager: EntityManager, chainId: string, now: Date): Promise<void> {
    await this.repository(manager).update({ chainId, revokedAt: IsNull() }, { revokedAt: now });
  }

  async revokeAllOfUser(manager: EntityManager, userId: string, now: Date): Promise<void> {
    await this.repository(manager).update({ userId, revokedAt: IsNull() }, { revokedAt: now });
  }

  /** Expired tokens can no longer be used, nor prove a reuse: they go. */
  async deleteExpired(manager: EntityManager, now: Date): Promise<number> {
    const result = await this.repository(manager)
      .createQueryBuilder()
      .delete()
      .where('expires_at < :now', { now: now.getTime() })
      .execute();
    return result.affected ?? 0;
  }

  private repository(manager?: EntityManager): Repository<RefreshToken> {
    return manager ? manager.withRepository(this.tokens) : this.tokens;
  }
}
