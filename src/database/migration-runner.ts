import { DataSource } from 'typeorm';

// Any constant shared by every Signet instance; pg advisory locks are keyed by a bigint.
const MIGRATION_LOCK_ID = 7_264_118_001;

/**
 * Applies pending migrations. On PostgreSQL several instances may start at once, so the
 * run is serialised with a session-level advisory lock; SQLite has a single writer anyway.
 */
export async function runMigrations(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type !== 'postgres') {
    await dataSource.runMigrations({ transaction: 'each' });
    return;
  }
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
    await runner.release();
  }
}
