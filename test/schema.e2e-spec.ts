import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from './support/app';

describe('database schema', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close({ drop: true }));

  it('matches the entities: generating a migration would produce nothing', async () => {
    const dataSource = t.app.get(DataSource);
    const sql = await dataSource.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('applied every migration and can undo them all', async () => {
    const dataSource = t.app.get(DataSource);
    expect(await dataSource.showMigrations()).toBe(false);
    const applied = dataSource.migrations.length;
    for (let i = 0; i < applied; i++) {
      await dataSource.undoLastMigration();
    }
    const tables = await dataSource.createQueryRunner().getTables(['signing_keys', 'users']);
    expect(tables).toEqual([]);
    await dataSource.runMigrations();
    expect(await dataSource.showMigrations()).toBe(false);
  });
});
