// Data source for the TypeORM CLI (`npm run migration:generate -- migrations/<epoch>-<VerbNoun>`).
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/config.schema';
import { buildDataSourceOptions } from './data-source.options';

export default new DataSource({
  ...buildDataSourceOptions(loadConfig(process.env).database),
  entities: [`${__dirname}/../**/*.entity.{ts,js}`],
});
