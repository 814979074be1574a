import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { AppModule } from '../../src/app.module';
import { configureApp, createHttpAdapter } from '../../src/app.setup';
import { Clock } from '../../src/common/clock';
import { loadConfig } from '../../src/config/config.schema';
import { SignetConfig } from '../../src/config/signet-config';
import { createTestDatabase, TestDatabase } from './database';
import { FakeClock } from './fake-clock';
import { openApps } from './open-apps';

export const ADMIN_USERNAME = 'admin';
export const ADMIN_PASSWORD = 'admin-password-for-tests';

export interface TestApp {
  app: INestApplication;
  http: () => TestAgent;
  clock: FakeClock;
  config: SignetConfig;
  db: TestDatabase;
  /** Stops the app; keeps the database unless `drop` is set. */
  close(options?: { drop?: boolean }): Promise<void>;
}

export interface TestAppOptions {
  config?: Partial<SignetConfig>;
  /** Reuse a database (and its KEK) from an earlier app, e.g. to test a restart. */
  db?: TestDatabase;
  clock?: FakeClock;
}

/** The real AppModule on a fresh database, through configureApp(), with a movable clock. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const db = options.db ?? (await createTestDatabase());
  const clock = options.clock ?? new FakeClock();
  const config: SignetConfig = Object.freeze({
    ...loadConfig({}),
    issuer: 'http://signet.test',
    database: db.database,
    dataDir: db.dataDir,
    adminUsername: ADMIN_USERNAME,
    adminPassword: ADMIN_PASSWORD,
    keyEncryptionKey: kekFor(db),
    logLevel: 'silent',
    ...options.config,
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(SignetConfig)
    .useValue(config)
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication(createHttpAdapter(config), { logger: false });
  configureApp(app);
  await app.init();
  await (app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }).ready();
  const server = app.getHttpServer() as Parameters<typeof request>[0];
  let closed = false;
  const testApp: TestApp = {
    app,
    http: () => request(server),
    clock,
    config,
    db,
    close: async ({ drop = false } = {}) => {
      openApps.delete(testApp);
      if (!closed) {
        closed = true;
        await app.close();
      }
      if (drop) {
        await db.drop();
      }
    },
  };
  openApps.add(testApp);
  return testApp;
}

const keks = new WeakMap<TestDatabase, Buffer>();
function kekFor(db: TestDatabase): Buffer {
  let kek = keks.get(db);
  if (!kek) {
    kek = randomBytes(32);
    keks.set(db, kek);
  }
  return kek;
}
