import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { isUniqueViolation } from '../../database/unique-violation';
import { UsedAssertion } from './used-assertion.entity';

/** A used assertion's identity: its jti within its client. */
export const assertionKey = (clientId: string, jti: string): string => `${clientId}\u0000${jti}`;

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

  /**
   * SQLite: records several jtis in one statement and returns the keys (assertionKey) it
   * inserted; a key already there is left out. One statement instead of one per jti: each costs
   * node-sqlite3 three hand-offs to its thread pool, and its own commit. It starts with WITH, so
   * TypeORM's SQLite runner returns the RETURNING rows (it drops the rows of an INSERT).
   */
  async recordMany(
    manager: EntityManager,
    entries: readonly UsedAssertion[],
  ): Promise<Set<string>> {
    const rows: { client_id: string; jti: string }[] = await manager.query(
      `WITH incoming (client_id, jti, expires_at) AS (VALUES ${entries.map(() => '(?, ?, ?)').join(', ')}) ` +
        'INSERT INTO used_assertions (client_id, jti, expires_at) ' +
        // WHERE true: SQLite's grammar needs it between a SELECT and ON CONFLICT.
        'SELECT client_id, jti, expires_at FROM incoming WHERE true ' +
        'ON CONFLICT DO NOTHING RETURNING client_id, jti',
      entries.flatMap((entry) => [entry.clientId, entry.jti, entry.expiresAt.getTime()]),
    );
    return new Set(rows.map((row) => assertionKey(row.client_id, row.jti)));
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
