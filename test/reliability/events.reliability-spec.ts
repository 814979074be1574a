import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../support/database';
import { buildServer, call, SignetProcess, startSignet } from '../support/server-process';
import {
  connect,
  countEvents,
  expectStatus,
  halfWrittenRows,
  inParallel,
  installOutboxProbe,
  ProbeReport,
  readEvents,
  readProbe,
  userToken,
  watchForHalfWrittenRows,
  within,
} from './support-events';

/*
 * Reliability (issue 7, items 4 and 5) of the outbox events, with real processes on one
 * PostgreSQL database: two instances consuming the same outbox, and kill -9 while an instance
 * is consuming it. "Processed once" is counted by a probe trigger (support-events.ts) that
 * records every committed consumer transaction, so a second, idempotent processing shows too.
 * Run by `npm run test:reliability`; it prints figures.
 */
jest.setTimeout(90_000);

const ADMIN_PASSWORD = 'reliability-admin-password';
const ADOPTER_PASSWORD = 'reliability-adopter-password';
const ADOPTERS = ['ann', 'bob', 'cyd'];
/** Adoptions spread over two instances that both consume the outbox. */
const TWO_INSTANCE_ADOPTIONS = 200;
/** The backlog of the kill -9 test: enough for a few seconds of processing. */
const BACKLOG_ADOPTIONS = 300;
const REQUEST_CONCURRENCY = 8;

interface Requested {
  petId: string;
  adopterId: string;
  eventId: string;
}

describe('outbox events on PostgreSQL with real processes', () => {
  let main: string;
  let buildDir: string;
  const processes: SignetProcess[] = [];
  const databases: TestDatabase[] = [];
  const clients: Client[] = [];
  const watchers: ReturnType<typeof watchForHalfWrittenRows>[] = [];

  beforeAll(() => {
    ({ main, dir: buildDir } = buildServer('events-reliability'));
  }, 240_000);
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await Promise.all(watchers.map((w) => w.stop().catch(() => undefined)));
    await Promise.all(clients.map((c) => c.end()));
    await Promise.all(databases.map((d) => d.drop()));
    rmSync(buildDir, { recursive: true, force: true });
  });

  /** A new database, the environment of the instances on it, and a SQL connection to it. */
  async function freshDatabase() {
    const db = await createTestDatabase();
    databases.push(db);
    if (db.database.kind !== 'postgres') {
      throw new Error('the reliability suite runs on PostgreSQL (setup file use-postgres)');
    }
    const url = db.database.url;
    const sql = await connect(url);
    clients.push(sql);
    const env = {
      DATABASE_URL: url,
      DATA_DIR: db.dataDir,
      KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ADMIN_PASSWORD,
      ISSUER: 'http://signet.reliability',
    };
    const watchRows = () => {
      const watcher = watchForHalfWrittenRows(url);
      watchers.push(watcher);
      return watcher;
    };
    return { sql, env, watchRows };
  }

  /** An instance whose database connections are named `name`; the worker polls every `poll` s. */
  async function start(env: Record<string, string>, name: string, pollSeconds: number) {
    const instance = await startSignet(main, {
      ...env,
      PGAPPNAME: name,
      EVENT_POLL_INTERVAL: String(pollSeconds),
    });
    processes.push(instance);
    return instance;
  }

  /**
   * Creates `count` pets and adopts each (202), spread over `instances`: a pet is created on
   * one instance and adopted on the next, by one of three users.
   */
  async function requestAdoptions(instances: SignetProcess[], count: number): Promise<Requested[]> {
    const at = (i: number) => instances[i % instances.length].url;
    const admin = await userToken(at(0), 'admin', ADMIN_PASSWORD);
    const adopters = await Promise.all(
      ADOPTERS.map(async (username) => {
        const created = await expectStatus(
          201,
          call(`${at(0)}/admin/users`, {
            method: 'POST',
            token: admin,
            json: { username, password: ADOPTER_PASSWORD, scope: 'pets:read pets:adopt' },
          }),
        );
        const tokens = await Promise.all(
          instances.map((i) => userToken(i.url, username, ADOPTER_PASSWORD)),
        );
        return { id: created.body.id as string, tokens };
      }),
    );
    const indexes = Array.from({ length: count }, (_, i) => i);
    return inParallel(indexes, REQUEST_CONCURRENCY, async (i) => {
      const pet = await expectStatus(
        201,
        call(`${at(i)}/pets`, {
          method: 'POST',
          token: admin,
          json: { name: `pet-${i}`, species: 'dog' },
        }),
      );
      const petId = pet.body.id as string;
      const adopter = adopters[i % adopters.length];
      const adopted = await expectStatus(
        202,
        call(`${at(i + 1)}/pets/${petId}/adopt`, {
          method: 'POST',
          token: adopter.tokens[(i + 1) % instances.length],
        }),
      );
      return { petId, adopterId: adopter.id, eventId: adopted.body.eventId as string };
    });
  }

  const pendingCount = async (sql: Client) => (await countEvents(sql)).pending ?? 0;

  /**
   * Every requested adoption's event was processed exactly once (one committed consumer
   * transaction, on its first attempt), none is lost or pending, every pet went to its adopter,
   * and the admin API agrees.
   */
  async function expectEachProcessedOnce(
    sql: Client,
    base: string,
    requested: Requested[],
    probe: ProbeReport,
  ): Promise<void> {
    const eventIds = requested.map((r) => r.eventId).sort();
    expect([...probe.settledTimes.entries()].filter(([, times]) => times !== 1)).toEqual([]);
    expect([...probe.settledTimes.keys()].sort()).toEqual(eventIds);
    expect(probe).toMatchObject({ statements: requested.length, noOpStatements: 0, retries: 0 });
    expect(await readEvents(sql)).toEqual(
      eventIds.map((id) => ({
        id,
        status: 'processed',
        attempts: 1,
        processedAt: expect.any(String) as unknown,
      })),
    );
    const adoptions = await sql.query(`
      SELECT a.event_id AS "eventId", a.pet_id AS "petId", a.adopter_id AS "adopterId",
             a.status AS adoption, p.status AS pet, p.owner_id AS "ownerId"
      FROM adoptions a JOIN pets p ON p.id = a.pet_id ORDER BY a.event_id`);
    expect(adoptions.rows).toEqual(
      [...requested]
        .sort((x, y) => (x.eventId < y.eventId ? -1 : 1))
        .map((r) => ({ ...r, adoption: 'completed', pet: 'adopted', ownerId: r.adopterId })),
    );
    expect(await halfWrittenRows(sql)).toEqual([]);
    const admin = await userToken(base, 'admin', ADMIN_PASSWORD);
    const totals: Record<string, unknown> = {};
    for (const status of ['pending', 'processed', 'rejected']) {
      const page = await expectStatus(
        200,
        call(`${base}/admin/events?status=${status}&limit=1`, { token: admin }),
      );
      totals[status] = page.body.total;
    }
    expect(totals).toEqual({ pending: 0, processed: requested.length, rejected: 0 });
  }

  it('two instances: each of 200 adoption events is processed exactly once, by one of them', async () => {
    const { sql, env, watchRows } = await freshDatabase();
    const a = await start(env, 'signet-a', 1);
    await installOutboxProbe(sql);
    const b = await start(env, 'signet-b', 1);
    const watch = watchRows();
    const started = Date.now();

    const requested = await requestAdoptions([a, b], TWO_INSTANCE_ADOPTIONS);
    const requestMs = Date.now() - started;
    const drainMs = await within(30_000, async () => (await pendingCount(sql)) === 0);
    const consistency = await watch.stop();
    const probe = await readProbe(sql);

    console.log(
      `two instances: ${requested.length} adoptions requested in ${requestMs} ms, all events ` +
        `processed ${drainMs} ms later; settled by ${JSON.stringify(probe.settledBy)}; ` +
        `${probe.statements} consumer commits, ${probe.noOpStatements} no-op, ` +
        `${probe.retries} retries; ${consistency.checks} consistency checks`,
    );
    expect(consistency.seen).toEqual([]);
    await expectEachProcessedOnce(sql, a.url, requested, probe);
    expect(Object.keys(probe.settledBy).sort()).toEqual(['signet-a', 'signet-b']);
  });

  it('kill -9 during event processing, then restart: each event processed once, none lost, no half-written row', async () => {
    const { sql, env, watchRows } = await freshDatabase();
    // The backlog is written with the worker off, so that the victim starts with all of it.
    const loader = await start(env, 'loader', 0);
    await installOutboxProbe(sql);
    const requested = await requestAdoptions([loader], BACKLOG_ADOPTIONS);
    await loader.stop();
    expect(await pendingCount(sql)).toBe(BACKLOG_ADOPTIONS);

    const watch = watchRows();
    const started = Date.now();
    const victim = await start(env, 'victim', 1);
    // Kill once a quarter is processed, when a consumer transaction is open (a statement after
    // its BEGIN, or between two statements) — unless none is seen before half is processed.
    let transactionOpen = false;
    await within(30_000, async () => {
      const processed = (await countEvents(sql)).processed ?? 0;
      if (processed < BACKLOG_ADOPTIONS / 4) {
        return false;
      }
      transactionOpen = await consumerTransactionOpen(sql, 'victim');
      return transactionOpen || processed >= BACKLOG_ADOPTIONS / 2;
    });
    await victim.stop('SIGKILL');
    const killedAfterMs = Date.now() - started;
    expect(victim.child.signalCode).toBe('SIGKILL');
    await within(10_000, async () => !(await hasConnections(sql, 'victim')));

    // What the victim committed is all there, and nothing it had not committed is visible.
    const atKill = await readProbe(sql);
    const countsAtKill = await countEvents(sql);
    expect(await halfWrittenRows(sql)).toEqual([]);
    expect(countsAtKill.processed).toBe(atKill.settledBy.victim);
    expect(countsAtKill.pending).toBe(BACKLOG_ADOPTIONS - atKill.settledBy.victim);
    expect(countsAtKill.pending).toBeGreaterThan(0);

    const restartedAt = Date.now();
    const survivor = await start(env, 'survivor', 1);
    await within(30_000, async () => (await pendingCount(sql)) === 0);
    const restartToDoneMs = Date.now() - restartedAt;
    const totalMs = Date.now() - started;
    const consistency = await watch.stop();
    const probe = await readProbe(sql);

    console.log(
      `kill -9: backlog of ${requested.length}; victim killed ${killedAfterMs} ms after its ` +
        `start with ${atKill.settledBy.victim} processed, ${countsAtKill.pending} pending ` +
        `(consumer transaction open at the kill: ${transactionOpen ? 'yes' : 'no'}); after the ` +
        `restart: ${JSON.stringify(probe.settledBy)}, all processed ${restartToDoneMs} ms ` +
        `after the restart (start-up included); total ${totalMs} ms; ` +
        `${probe.statements} consumer commits, ${probe.noOpStatements} no-op, ` +
        `${probe.retries} retries; ${consistency.checks} consistency checks`,
    );
    expect(consistency.seen).toEqual([]);
    expect(probe.settledBy).toEqual({
      victim: atKill.settledBy.victim,
      survivor: BACKLOG_ADOPTIONS - atKill.settledBy.victim,
    });
    await expectEachProcessedOnce(sql, survivor.url, requested, probe);
  });
});

/** Whether a connection named `name` is inside a multi-statement transaction right now. */
async function consumerTransactionOpen(sql: Client, name: string): Promise<boolean> {
  const result = await sql.query(
    `SELECT 1 FROM pg_stat_activity
     WHERE application_name = $1 AND datname = current_database()
       AND (state = 'idle in transaction' OR (state = 'active' AND xact_start < query_start))`,
    [name],
  );
  return (result.rowCount ?? 0) > 0;
}

async function hasConnections(sql: Client, name: string): Promise<boolean> {
  const result = await sql.query(
    'SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()',
    [name],
  );
  return (result.rowCount ?? 0) > 0;
}
