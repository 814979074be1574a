import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import sqlite3 from 'sqlite3';
import { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { DatabaseConfig } from '../config/signet-config';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/**
 * TypeORM calls the driver's `verbose()`, which makes node-sqlite3 wrap every Database and
 * Statement method to capture a stack trace (`new Error()` plus `util.inspect` of the SQL and
 * its parameters) on every call: a debugging aid that costs more than the query on a hot
 * path. Handing TypeORM a `verbose()` that returns the module unwrapped keeps errors as they
 * are (SQLite's own messages) without that cost.
 */
const SQLITE3_WITHOUT_TRACES = { verbose: (): typeof sqlite3 => sqlite3 };

/** DataSource options for DATABASE_URL; entities come from each module's forFeature. */
export function buildDataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  const common = {
    namingStrategy: new SnakeNamingStrategy(),
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    // Never synchronize: the schema is whatever migrations/ says it is.
    synchronize: false as const,
    migrationsRun: false,
    logging: false,
  };
  if (database.kind === 'postgres') {
    return { ...common, type: 'postgres', url: database.url, extra: { max: 10 } };
  }
  if (database.path !== ':memory:') {
    mkdirSync(dirname(database.path), { recursive: true });
  }
  return {
    ...common,
    type: 'sqlite',
    database: database.path,
    enableWAL: true,
    busyTimeout: 5000,
    driver: SQLITE3_WITHOUT_TRACES,
  };
}
