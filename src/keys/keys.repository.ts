import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, IsNull, LessThan, Repository } from 'typeorm';
import { PUBLISHED_STATES, SigningKey } from './signing-key.entity';

@Injectable()
export class KeysRepository {
  constructor(@InjectRepository(SigningKey) private readonly keys: Repository<SigningKey>) {}

  findPublished(): Promise<SigningKey[]> {
    return this.keys.find({
      where: { state: In([...PUBLISHED_STATES]) },
      order: { createdAt: 'ASC', kid: 'ASC' },
    });
  }

  findByKid(kid: string, manager?: EntityManager): Promise<SigningKey | null> {
    return this.repository(manager).findOneBy({ kid });
  }

  findByState(manager: EntityManager, state: SigningKey['state']): Promise<SigningKey[]> {
    return this.repository(manager).find({ where: { state }, order: { createdAt: 'ASC' } });
  }

  async findPrivateEnvelope(kid: string): Promise<string | undefined> {
    const row = await this.keys
      .createQueryBuilder('key')
      .select('key.privateKeyEnvelope', 'envelope')
      .where('key.kid = :kid', { kid })
      .getRawOne<{ envelope: string }>();
    return row?.envelope;
  }

  /** Every stored private key envelope, to re-seal them under a new KEK. */
  findAllEnvelopes(): Promise<{ kid: string; envelope: string }[]> {
    return this.keys
      .createQueryBuilder('key')
      .select('key.kid', 'kid')
      .addSelect('key.privateKeyEnvelope', 'envelope')
      .getRawMany<{ kid: string; envelope: string }>();
  }

  findPage(limit: number, offset: number): Promise<[SigningKey[], number]> {
    return this.keys.findAndCount({
      order: { createdAt: 'ASC', kid: 'ASC' },
      take: limit,
      skip: offset,
    });
  }

  async insert(manager: EntityManager, key: SigningKey): Promise<void> {
    await this.repository(manager).insert(key);
  }

  async update(manager: EntityManager, kid: string, changes: Partial<SigningKey>): Promise<void> {
    await this.repository(manager).update({ kid }, changes);
  }

  /** Stores a certificate chain unless another instance stored one first. */
  async setCertificateChainIfMissing(
    manager: EntityManager,
    kid: string,
    certificateChain: string,
  ): Promise<void> {
    await this.repository(manager).update(
      { kid, certificateChain: IsNull() },
      { certificateChain },
    );
  }

  /** Records that `kid` signed a token living `ttlSeconds`; only ever raises the value. */
  async raiseMaxTokenTtl(kid: string, ttlSeconds: number): Promise<void> {
    await this.keys.update(
      { kid, maxTokenTtlSeconds: LessThan(ttlSeconds) },
      { maxTokenTtlSeconds: ttlSeconds },
    );
  }

  /** Deletes retired keys whose every token has expired: retiredAt + longest ttl + grace < now. */
  async deleteExpiredRetired(
    manager: EntityManager,
    now: Date,
    graceSeconds: number,
  ): Promise<number> {
    const result = await this.repository(manager)
      .createQueryBuilder()
      .delete()
      .where('state = :state', { state: 'retired' })
      .andWhere('retired_at + (max_token_ttl_seconds + :grace) * 1000 < :now', {
        grace: graceSeconds,
        now: now.getTime(),
      })
      .execute();
    return result.affected ?? 0;
  }

  private repository(manager?: EntityManager): Repository<SigningKey> {
    return manager ? manager.getRepository(SigningKey) : this.keys;
  }
}
