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
        await runMigrations(dataSource);
        return dataSource;
      },
    }),
  ],
  providers: [Transactions],
  exports: [Transactions],
})
export class DatabaseModule {}
