import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { DatabaseConfig } from '../config/signet-config';
import { SnakeNamingStrategy } from './snake-naming.strategy';

// Compiled: dist/src/database → dist/migrations/*.js; under ts-jest: src/database → migrations/*.ts.
const MIGRATIONS = join(__dirname, '..', '..', 'migrations', '*.{js,ts}');

/** DataSource options for DATABASE_URL; entities come from each module's forFeature. */
export function buildDataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  const common = {
    namingStrategy: new SnakeNamingStrategy(),
    migrations: [MIGRATIONS],
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
  return { ...common, type: 'sqlite', database: database.path, enableWAL: true, busyTimeout: 5000 };
}
