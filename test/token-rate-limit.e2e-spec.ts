import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config/config.schema';
import { MetricsService } from '../src/metrics/metrics.service';
import { TokenRateLimitService } from '../src/oauth/token-rate-limit.service';
import { createTestApp, TestApp } from './support/app';
import { createUserToken, loginAsAdmin } from './support/auth';

/*
 * Issue 7: TOKEN_RATE_LIMIT token requests per client per TOKEN_RATE_WINDOW at POST /oauth/token,
 * counted after client authentication, in @nestjs/throttler storage (memory, or Redis shared by
 * every instance). The storage runs on real time, not on the injected clock: the windows here are
 * a few real seconds, and one test waits for one to pass.
 */
const LIMIT = 3;
const WINDOW_SECONDS = 3;
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LIMITED = {
  error: 'too_many_requests',
  error_description: 'Too many token requests for this client; try again later',
};

interface RegisteredClient {
  clientId: string;
  secret: string;
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

async function register(t: TestApp, admin: string): Promise<RegisteredClient> {
  const response = await t
    .http()
    .post('/admin/clients')
    .set('Authorization', `Bearer ${admin}`)
    .send({ client_name: 'Rate-limited reader', scope: 'pets:read' })
    .expect(201);
  const body = response.body as { client_id: string; client_secret: string };
  return { clientId: body.client_id, secret: body.client_secret };
}

function requestToken(t: TestApp, client: RegisteredClient, secret = client.secret) {
  return t
    .http()
    .post('/oauth/token')
    .auth(client.clientId, secret)
    .type('form')
    .send({ grant_type: 'client_credentials' });
}

/** `count` token requests one after the other; their statuses. */
async function statusesOf(t: TestApp, client: RegisteredClient, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1) {
    statuses.push((await requestToken(t, client)).status);
  }
  return statuses;
}

function expectLimited(response: Awaited<ReturnType<typeof requestToken>>): void {
  expect(response.status).toBe(429);
  expect(response.headers['retry-after']).toMatch(/^\d+$/);
  const retryAfter = Number(response.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
  expect(response.headers['cache-control']).toBe('no-store');
  expect(response.body).toMatchObject(LIMITED);
  expect(response.body).not.toHaveProperty('access_token');
}

describe('per-client rate limit at POST /oauth/token (issue 7)', () => {
  describe(`in process memory: TOKEN_RATE_LIMIT=${LIMIT}, TOKEN_RATE_WINDOW=${WINDOW_SECONDS}`, () => {
    let t: TestApp;
    let admin: string;

    beforeAll(async () => {
      t = await createTestApp({
        config: { tokenRateLimit: LIMIT, tokenRateWindowSeconds: WINDOW_SECONDS },
      });
      admin = await loginAsAdmin(t);
    });
    afterAll(() => t.close({ drop: true }));

    it('answers the request over the limit 429 with Retry-After and no token', async () => {
      const client = await register(t, admin);
      expect(await statusesOf(t, client, LIMIT)).toEqual([200, 200, 200]);
      expectLimited(await requestToken(t, client));
      const metrics = await t.http().get('/metrics').expect(200);
      expect(metrics.text).toContain(
        `signet_token_requests_rate_limited_total{client_id="${client.clientId}"} 1`,
      );
    });

    it('leaves another client unaffected', async () => {
      const busy = await register(t, admin);
      const other = await register(t, admin);
      await statusesOf(t, busy, LIMIT);
      expect((await requestToken(t, busy)).status).toBe(429);
      const response = await requestToken(t, other).expect(200);
      expect(response.body).toMatchObject({
        token_type: 'Bearer',
        access_token: expect.any(String),
      });
    });

    it('does not count failed client authentications against the client', async () => {
      const victim = await register(t, admin);
      for (let i = 0; i < LIMIT * 3; i += 1) {
        const response = await requestToken(t, victim, 'not-the-secret');
        expect(response.status).toBe(401);
        expect(response.body).toMatchObject({ error: 'invalid_client' });
      }
      expect(await statusesOf(t, victim, LIMIT)).toEqual([200, 200, 200]);
      expectLimited(await requestToken(t, victim));
    });

    it('serves the client again once the window has passed', async () => {
      const client = await register(t, admin);
      await statusesOf(t, client, LIMIT);
      const limited = await requestToken(t, client);
      expectLimited(limited);
      await sleep(Number(limited.headers['retry-after']) * 1000 + 250);
      const response = await requestToken(t, client).expect(200);
      expect(response.body).toMatchObject({ access_token: expect.any(String) });
    });

    it('does not limit the in-process token exchange of adoptions (client signet-events)', async () => {
      const adopter = await createUserToken(t, admin, 'pets:read pets:adopt');
      for (let i = 0; i < LIMIT + 2; i += 1) {
        const pet = await t
          .http()
          .post('/pets')
          .set('Authorization', `Bearer ${admin}`)
          .send({ name: `Rex ${i}`, species: 'dog' })
          .expect(201);
        await t
          .http()
          .post(`/pets/${(pet.body as { id: string }).id}/adopt`)
          .set('Authorization', `Bearer ${adopter.token}`)
          .expect(202);
      }
    });
  });

  it('TOKEN_RATE_LIMIT=0 turns the limit off', async () => {
    const t = await createTestApp({
      config: { tokenRateLimit: 0, tokenRateWindowSeconds: WINDOW_SECONDS },
    });
    try {
      const client = await register(t, await loginAsAdmin(t));
      expect(await statusesOf(t, client, LIMIT * 3)).toEqual(Array(LIMIT * 3).fill(200));
    } finally {
      await t.close({ drop: true });
    }
  });

  describe(`in Redis (REDIS_URL=${REDIS_URL}): one counter for every instance`, () => {
    // A fresh issuer names this run's counters (the key holds it), so runs never share them.
    const config = {
      tokenRateLimit: LIMIT,
      tokenRateWindowSeconds: WINDOW_SECONDS,
      redisUrl: REDIS_URL,
      issuer: `http://signet-${randomBytes(6).toString('hex')}.test`,
    };
    let a: TestApp;
    let b: TestApp;

    beforeAll(async () => {
      // Fails (with the one start-up line) when Redis is down: .ci/run starts it.
      a = await createTestApp({ config });
      b = await createTestApp({ config, db: a.db });
    });
    afterAll(async () => {
      await b?.close();
      await a?.close({ drop: true });
    });

    it('two instances on one database share the count of a client', async () => {
      const client = await register(a, await loginAsAdmin(a));
      expect((await requestToken(a, client)).status).toBe(200);
      expect((await requestToken(b, client)).status).toBe(200);
      expect((await requestToken(a, client)).status).toBe(200);
      expectLimited(await requestToken(b, client));
      expectLimited(await requestToken(a, client));
    });

    it('serves tokens unlimited while Redis is unreachable (fail open), and counts them', async () => {
      const client = await register(a, await loginAsAdmin(a));
      await statusesOf(b, client, LIMIT);
      expectLimited(await requestToken(b, client));
      // Instance b loses Redis for good (a manual disconnect is never retried).
      b.app.get(TokenRateLimitService)['redis']!.disconnect();
      const response = await requestToken(b, client).expect(200);
      expect(response.body).toMatchObject({ access_token: expect.any(String) });
      expectLimited(await requestToken(a, client));
      const metrics = await b.http().get('/metrics').expect(200);
      expect(metrics.text).toContain('signet_token_rate_limit_errors_total 1');
    });
  });

  it('start-up fails with one line naming REDIS_URL when Redis cannot be reached', async () => {
    // The service alone: a whole app whose start-up fails would leave its database open.
    const service = new TokenRateLimitService(
      { ...loadConfig({}), redisUrl: 'redis://127.0.0.1:1' },
      new MetricsService(),
    );
    await expect(service.onModuleInit()).rejects.toThrow(
      /^REDIS_URL: cannot reach Redis at 127\.0\.0\.1:1 \(connect ECONNREFUSED 127\.0\.0\.1:1\); start Redis or unset REDIS_URL$/,
    );
  });
});
