import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SignetConfig } from '../config/signet-config';
import { buildDataSourceOptions } from './data-source.options';
import { runMigrations } from './migration-runner';
import { Transactions } from './transactions';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [SignetConfig],
      useFactory: (config: SignetConfig) => ({
        ...buildDataSourceOptions(config.database),
        autoLoadEntities: true,
        retryAttempts: 0,
      }),
      // Migrations run before any other module sees the DataSource.
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        if (dataSource.options.type === 'sqlite') {
          // SQLite's default page cache is 2 MiB: past that, every read of a grown table goes
          // back to the OS (a syscall per page). 16 MiB holds the hot indexes of a large
          // deployment (100,000 pets: the (created_at, id) index is ~5 MiB).
          await dataSource.query('PRAGMA cache_size = -16384');
        }
        await runMigrations(dataSource);
        return dataSource;
      },
    }),
  ],
  providers: [Transactions],
  exports: [Transactions],
})
export class DatabaseModule {}
