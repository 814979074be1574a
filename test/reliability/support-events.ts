import { Client } from 'pg';
import { Answer, call, sleep } from '../support/server-process';

/*
 * Helpers for events.reliability-spec.ts: HTTP calls to real Signet processes, and direct SQL
 * on their PostgreSQL database to count what the event consumer did.
 */

export async function expectStatus(status: number, answer: Promise<Answer>): Promise<Answer> {
  const settled = await answer;
  if (settled.status !== status) {
    throw new Error(`expected ${status}, got ${settled.status}: ${JSON.stringify(settled.body)}`);
  }
  return settled;
}

export async function userToken(base: string, username: string, password: string) {
  const answer = await expectStatus(
    200,
    call(`${base}/auth/login`, { method: 'POST', json: { username, password } }),
  );
  return answer.body.access_token as string;
}

/** Runs `work` over `items` with at most `concurrency` calls under way. */
export async function inParallel<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** Polls until `check` holds; returns the milliseconds it took, or fails after `limitMs`. */
export async function within(limitMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > limitMs) {
      throw new Error(`not within ${limitMs} ms`);
    }
    await sleep(50);
  }
  return Date.now() - started;
}

export async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, application_name: 'reliability-test' });
  // A connection lost after a test (its database dropped) fails the next query, not the process.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/**
 * The consumer is idempotent by design: a second processing of an event finds it settled and
 * changes no row, so the rows alone cannot show it. But every consumer transaction that commits
 * ends with exactly one UPDATE of outbox_events (settle, or count a failed attempt), even when
 * that UPDATE changes nothing. This statement-level trigger records each of them, with the
 * instance (PostgreSQL application_name, from PGAPPNAME) and the events it settled; it is
 * rolled back with the transaction, so it counts committed processings only.
 */
export async function installOutboxProbe(client: Client): Promise<void> {
  await client.query(`
    CREATE SCHEMA reliability_probe;
    CREATE TABLE reliability_probe.outbox_updates (
      id bigserial PRIMARY KEY,
      instance text NOT NULL,
      rows_changed integer NOT NULL,
      settled_ids text[] NOT NULL,
      retried_ids text[] NOT NULL
    );
    CREATE FUNCTION reliability_probe.record_outbox_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO reliability_probe.outbox_updates (instance, rows_changed, settled_ids, retried_ids)
      SELECT current_setting('application_name'),
             count(n.id),
             coalesce(array_agg(n.id) FILTER (WHERE o.status = 'pending' AND n.status <> 'pending'), '{}'),
             coalesce(array_agg(n.id) FILTER (WHERE n.status = 'pending'), '{}')
      FROM new_rows n JOIN old_rows o ON o.id = n.id;
      RETURN NULL;
    END $$;
    CREATE TRIGGER reliability_probe_outbox_updates AFTER UPDATE ON public.outbox_events
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION reliability_probe.record_outbox_update();
  `);
}

export interface ProbeReport {
  /** Committed UPDATE statements on outbox_events: one per committed processing. */
  statements: number;
  /** Statements that changed no row: a consumer that found its event already settled. */
  noOpStatements: number;
  /** Statements that counted a failed attempt (the event stayed pending). */
  retries: number;
  /** Event id → how many committed statements settled it (pending → processed/rejected). */
  settledTimes: Map<string, number>;
  /** Instance → how many events it settled. */
  settledBy: Record<string, number>;
}

export async function readProbe(client: Client): Promise<ProbeReport> {
  const statements = await client.query<{ total: string; no_op: string; retries: string }>(`
    SELECT count(*) AS total,
           count(*) FILTER (WHERE rows_changed = 0) AS no_op,
           count(*) FILTER (WHERE cardinality(retried_ids) > 0) AS retries
    FROM reliability_probe.outbox_updates`);
  const settled = await client.query<{ id: string; instance: string; times: string }>(`
    SELECT settled.id, min(instance) AS instance, count(*) AS times
    FROM reliability_probe.outbox_updates, unnest(settled_ids) AS settled(id)
    GROUP BY settled.id`);
  const settledTimes = new Map<string, number>();
  const settledBy: Record<string, number> = {};
  for (const row of settled.rows) {
    settledTimes.set(row.id, Number(row.times));
    settledBy[row.instance] = (settledBy[row.instance] ?? 0) + 1;
  }
  const [counts] = statements.rows;
  return {
    statements: Number(counts.total),
    noOpStatements: Number(counts.no_op),
    retries: Number(counts.retries),
    settledTimes,
    settledBy,
  };
}

export interface EventRow {
  id: string;
  status: string;
  attempts: number;
  processedAt: string | null;
}

export async function readEvents(client: Client): Promise<EventRow[]> {
  const result = await client.query<EventRow>(`
    SELECT id, status, attempts, processed_at AS "processedAt" FROM outbox_events ORDER BY id`);
  return result.rows;
}

export async function countEvents(client: Client): Promise<Record<string, number>> {
  const result = await client.query<{ status: string; n: string }>(
    'SELECT status, count(*) AS n FROM outbox_events GROUP BY status',
  );
  return Object.fromEntries(result.rows.map((r) => [r.status, Number(r.n)]));
}

/**
 * Rows that disagree with each other, read in one statement (one snapshot): an event, its
 * adoption and its pet must move together — pending/requested/pending, processed/completed/
 * adopted by the adopter, or rejected/rejected — and a reserved pet must have its adoption.
 */
export async function halfWrittenRows(client: Client): Promise<Record<string, unknown>[]> {
  const result = await client.query(`
    SELECT e.id AS event_id, e.status AS event_status, e.processed_at,
           a.id AS adoption_id, a.status AS adoption_status,
           p.id AS pet_id, p.status AS pet_status, p.owner_id = a.adopter_id AS owner_matches
    FROM outbox_events e
    FULL JOIN adoptions a ON a.event_id = e.id
    LEFT JOIN pets p ON p.id = a.pet_id
    WHERE NOT coalesce(
         (e.status = 'pending' AND e.processed_at IS NULL AND a.status = 'requested'
            AND p.status = 'pending' AND p.owner_id = a.adopter_id)
      OR (e.status = 'processed' AND e.processed_at IS NOT NULL AND a.status = 'completed'
            AND p.status = 'adopted' AND p.owner_id = a.adopter_id)
      OR (e.status = 'rejected' AND e.processed_at IS NOT NULL AND a.status = 'rejected'),
      false)
    UNION ALL
    SELECT NULL, NULL, NULL, NULL, NULL, p.id, p.status, NULL
    FROM pets p
    WHERE p.status <> 'available'
      AND NOT EXISTS (SELECT 1 FROM adoptions a WHERE a.pet_id = p.id AND a.status <> 'rejected')
    LIMIT 10`);
  return result.rows as Record<string, unknown>[];
}

/**
 * Checks for half-written rows over and over (every ~20 ms) until stopped, on a connection of
 * its own; returns how many checks ran and the first half-written rows seen, if any.
 */
export function watchForHalfWrittenRows(url: string): {
  stop(): Promise<{ checks: number; seen: Record<string, unknown>[] }>;
} {
  let running = true;
  let checks = 0;
  let seen: Record<string, unknown>[] = [];
  const loop = (async () => {
    const client = await connect(url);
    try {
      while (running) {
        const rows = await halfWrittenRows(client);
        checks++;
        if (rows.length > 0 && seen.length === 0) {
          seen = rows;
        }
        await sleep(20);
      }
    } finally {
      await client.end();
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { checks, seen };
    },
  };
}
