import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { isUniqueViolation } from '../../database/unique-violation';
import { UsedAssertion } from './used-assertion.entity';

@Injectable()
export class UsedAssertionsRepository {
  constructor(@InjectRepository(UsedAssertion) private readonly used: Repository<UsedAssertion>) {}

  /**
   * Records a jti; false when it was already there (the primary key decides, across instances).
   * One statement (Transactions.single): inside a PostgreSQL transaction the failed insert
   * would abort it, so nothing may follow it in `manager`.
   */
  async record(manager: EntityManager, entry: UsedAssertion): Promise<boolean> {
    try {
      await manager.withRepository(this.used).insert(entry);
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) {
        return false;
      }
      throw error;
    }
  }

  async deleteExpired(manager: EntityManager, now: Date): Promise<void> {
    await manager
      .withRepository(this.used)
      .createQueryBuilder()
      .delete()
      .where('expires_at < :now', { now: now.getTime() })
      .execute();
  }
}
