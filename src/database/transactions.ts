import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Runs multi-step writes in one transaction. TypeORM's SQLite driver shares one connection,
 * so two concurrent transactions would nest as savepoints and commit each other's work:
 * on SQLite they are queued here, one at a time. PostgreSQL runs them concurrently, and
 * `lock(name)` takes a transaction-scoped advisory lock for work that must not overlap
 * across instances (key rotation, bootstrap).
 */
@Injectable()
export class Transactions {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get isPostgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.isPostgres) {
      return this.dataSource.transaction(work);
    }
    return this.inTurn(() => this.dataSource.transaction(work));
  }

  /**
   * One statement, atomic by itself, so without BEGIN and COMMIT (two round trips saved). On
   * SQLite it still waits for the transaction in progress, which it would otherwise join.
   */
  single<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.isPostgres) {
      return work(this.dataSource.manager);
    }
    return this.inTurn(() => work(this.dataSource.manager));
  }

  /**
   * Several reads from one snapshot: REPEATABLE READ on PostgreSQL. On SQLite they run in turn
   * like `run` and `single`, so no write made through them can land between the reads, and
   * without BEGIN and COMMIT: two statements fewer, each several hand-offs to node-sqlite3's
   * thread.
   */
  read<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.isPostgres
      ? this.dataSource.transaction('REPEATABLE READ', work)
      : this.single(work);
  }

  /** SQLite: runs `next` once everything queued before it has settled. */
  private inTurn<T>(next: () => Promise<T>): Promise<T> {
    const result = this.queue.then(next);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Serialises this transaction with every other one holding the same lock name (PostgreSQL). */
  async lock(manager: EntityManager, name: string): Promise<void> {
    if (this.isPostgres) {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [name]);
    }
  }
}
