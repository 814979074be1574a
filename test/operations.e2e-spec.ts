import { DataSource } from 'typeorm';
import { ADMIN_PASSWORD, ADMIN_USERNAME, createTestApp, TestApp } from './support/app';
import { createUserToken, loginAsAdmin } from './support/auth';
import { apiError } from './support/errors';
import { withPayloadChanged } from './support/tokens';

/** The value of one Prometheus sample, or undefined when the series is absent. */
function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!match || match[1] !== name) {
      continue;
    }
    const present = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => present[key] === value)) {
      return Number(match[3]);
    }
  }
  return undefined;
}

/** Every label set of a counter, e.g. every `outcome` of the verification counter. */
function labelValues(text: string, name: string, label: string): string[] {
  const pattern = new RegExp(`^${name}\\{[^}]*\\b${label}="([^"]*)"`, 'gm');
  return [...text.matchAll(pattern)].map((m) => m[1]);
}

describe('operations (CONTRACT §10)', () => {
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    t = await createTestApp();
    adminToken = await loginAsAdmin(t);
  });
  afterAll(() => t.close({ drop: true }));

  describe('GET /health', () => {
    it('answers 200 {status: "ok"} when the database answers, without a token', async () => {
      const response = await t.http().get('/health');
      expect(response.status).toBe(200);
      expect(response.body).toEqual(
        expect.objectContaining({
          status: 'ok',
          details: { database: { status: 'up' } },
        }),
      );
    });

    it('answers 503 when the database takes longer than 2 s to answer', async () => {
      const dataSource = t.app.get(DataSource);
      // A query that never settles stands for a database that hangs.
      const query = jest
        .spyOn(dataSource, 'query')
        .mockReturnValueOnce(new Promise<never>(() => undefined));
      const started = Date.now();
      const response = await t.http().get('/health');
      expect(query).toHaveBeenCalledWith('SELECT 1');
      expect(response.status).toBe(503);
      expect(response.body).toEqual(
        apiError(503, 'service_unavailable', 'The database is not answering'),
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
      expect((await t.http().get('/health')).status).toBe(200);
    });
  });

  describe('GET /metrics', () => {
    const scrape = async (): Promise<string> => {
      const response = await t.http().get('/metrics');
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
      return response.text;
    };

    it('is public Prometheus text with the HELP and TYPE of every Signet series', async () => {
      const text = await scrape();
      for (const [name, type] of [
        ['signet_tokens_issued_total', 'counter'],
        ['signet_token_verifications_total', 'counter'],
        ['signet_key_rotations_total', 'counter'],
        ['signet_http_request_duration_seconds', 'histogram'],
      ]) {
        expect(text).toContain(`# HELP ${name} `);
        expect(text).toContain(`# TYPE ${name} ${type}`);
      }
    });

    it('counts tokens issued by grant', async () => {
      const before = sample(await scrape(), 'signet_tokens_issued_total', { grant: 'login' }) ?? 0;
      await loginAsAdmin(t);
      const after = sample(await scrape(), 'signet_tokens_issued_total', { grant: 'login' });
      expect(after).toBeGreaterThanOrEqual(1);
      expect(after).toBe(before + 1);
    });

    it('counts token verifications by outcome', async () => {
      const before = await scrape();
      const valid = await t.http().get('/auth/me').set('Authorization', `Bearer ${adminToken}`);
      expect(valid.status).toBe(200);
      const forged = withPayloadChanged(adminToken, { scope: 'admin pets:delete' });
      const invalid = await t.http().get('/auth/me').set('Authorization', `Bearer ${forged}`);
      expect(invalid.status).toBe(401);
      const missing = await t.http().get('/auth/me');
      expect(missing.status).toBe(401);

      const after = await scrape();
      const name = 'signet_token_verifications_total';
      expect(sample(after, name, { outcome: 'valid' })).toBe(
        (sample(before, name, { outcome: 'valid' }) ?? 0) + 1,
      );
      expect(sample(after, name, { outcome: 'missing' })).toBe(
        (sample(before, name, { outcome: 'missing' }) ?? 0) + 1,
      );
      const rejections = labelValues(after, name, 'outcome').filter(
        (outcome) => !['valid', 'missing'].includes(outcome),
      );
      expect(rejections).not.toHaveLength(0);
      const rejected = rejections.reduce(
        (sum, outcome) => sum + sample(after, name, { outcome })!,
        0,
      );
      expect(rejected).toBeGreaterThanOrEqual(1);
    });

    it('counts key rotations', async () => {
      const before = sample(await scrape(), 'signet_key_rotations_total') ?? 0;
      const rotated = await t
        .http()
        .post('/admin/keys/rotate')
        .set('Authorization', `Bearer ${adminToken}`)
        .send({});
      expect(rotated.status).toBe(201);
      expect(sample(await scrape(), 'signet_key_rotations_total')).toBe(before + 1);
    });

    it('has an HTTP latency histogram labelled by route pattern, never by raw path', async () => {
      await t.http().get('/health');
      await t
        .http()
        .get('/admin/users/00000000-0000-4000-8000-000000000000')
        .set('Authorization', `Bearer ${adminToken}`);
      const text = await scrape();
      expect(
        sample(text, 'signet_http_request_duration_seconds_bucket', {
          method: 'GET',
          route: '/health',
          status: '200',
          le: '+Inf',
        }),
      ).toBeGreaterThanOrEqual(1);
      expect(
        sample(text, 'signet_http_request_duration_seconds_count', {
          method: 'GET',
          route: '/admin/users/:id',
          status: '404',
        }),
      ).toBeGreaterThanOrEqual(1);
      expect(text).not.toContain('00000000-0000-4000-8000-000000000000');
    });
  });

  describe('API documentation', () => {
    it('serves the Swagger UI at /docs', async () => {
      const response = await t.http().get('/docs').redirects(1);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.text).toContain('swagger-ui');
    });

    it('serves an OpenAPI document at /docs-json for every endpoint, with bearer auth', async () => {
      const response = await t.http().get('/docs-json');
      expect(response.status).toBe(200);
      const document = response.body as {
        openapi: string;
        paths: Record<string, unknown>;
        components: { securitySchemes: Record<string, { type: string; scheme?: string }> };
      };
      expect(document.openapi).toMatch(/^3\./);
      expect(Object.keys(document.paths)).toEqual(
        expect.arrayContaining([
          '/auth/login',
          '/auth/me',
          '/admin/users',
          '/admin/users/{id}',
          '/admin/keys',
          '/admin/keys/rotate',
          '/admin/keys/{kid}/revoke',
          '/.well-known/jwks.json',
          '/.well-known/openid-configuration',
          '/health',
          '/pets',
        ]),
      );
      expect(Object.values(document.components.securitySchemes)).toContainEqual(
        expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      );
    });
  });

  describe('secrets never reach a response', () => {
    it('a failed login does not echo the password', async () => {
      const password = 'wrong-password-3f9c1d7a';
      const response = await t
        .http()
        .post('/auth/login')
        .send({ username: ADMIN_USERNAME, password });
      expect(response.status).toBe(401);
      expect(response.body).toEqual(apiError(401, 'invalid_credentials', expect.any(String)));
      expect(JSON.stringify(response.headers) + response.text).not.toContain(password);
    });

    it('a rejected token is not echoed, nor is a valid one', async () => {
      const { token } = await createUserToken(t, adminToken, 'pets:read');
      const forged = withPayloadChanged(token, { scope: 'admin' });
      const rejected = await t.http().get('/admin/users').set('Authorization', `Bearer ${forged}`);
      expect(rejected.status).toBe(401);
      const accepted = await t.http().get('/auth/me').set('Authorization', `Bearer ${token}`);
      expect(accepted.status).toBe(200);
      for (const response of [rejected, accepted]) {
        const everything = JSON.stringify(response.headers) + response.text;
        for (const secret of [token, forged, ...token.split('.'), forged.split('.')[1]]) {
          expect(everything).not.toContain(secret);
        }
      }
    });

    it('the metrics hold neither passwords nor tokens', async () => {
      const text = (await t.http().get('/metrics')).text;
      expect(text).not.toContain(ADMIN_PASSWORD);
      expect(text).not.toContain(adminToken.split('.')[2]);
    });
  });
});

describe('GET /health when the database is down (CONTRACT §10)', () => {
  let t: TestApp;
  let dataSource: DataSource;

  beforeAll(async () => {
    t = await createTestApp();
    dataSource = t.app.get(DataSource);
    await dataSource.destroy();
  });
  afterAll(async () => {
    // Reconnect so the app shuts down (and the database is dropped) as usual.
    if (!dataSource.isInitialized) {
      await dataSource.initialize();
    }
    await t.close({ drop: true });
  });

  it('answers 503 with a CONTRACT §2 error body that names no driver detail', async () => {
    const response = await t.http().get('/health');
    expect(response.status).toBe(503);
    expect(response.body).toEqual(
      apiError(503, 'service_unavailable', 'The database is not answering'),
    );
  });
});
