import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createTestDatabase, TestDatabase } from '../support/database';
import { buildServer, call, SignetProcess, sleep, startSignet } from '../support/server-process';

/*
 * Reliability (issue 7, items 3–5) with real processes on one PostgreSQL database: rotation
 * under load, two instances, and kill -9. Run by `npm run test:reliability`; it prints figures.
 */
jest.setTimeout(240_000);

const ADMIN_PASSWORD = 'reliability-admin-password';
const kidOf = (token: string): string =>
  (JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as { kid: string }).kid;

async function login(base: string, username = 'admin', password = ADMIN_PASSWORD) {
  return call(`${base}/auth/login`, { method: 'POST', json: { username, password } });
}
async function adminToken(base: string): Promise<string> {
  const response = await login(base);
  expect(response.status).toBe(200);
  return response.body.access_token as string;
}
async function rotate(base: string, token: string, alg?: string): Promise<void> {
  const response = await call(`${base}/admin/keys/rotate`, {
    method: 'POST',
    token,
    json: { alg },
  });
  expect(response.status).toBe(201);
}
async function publishedKids(base: string): Promise<string[]> {
  const response = await call(`${base}/.well-known/jwks.json`);
  return (response.body.keys as { kid: string }[]).map((k) => k.kid);
}
/** Polls until `check` holds; returns the milliseconds it took, or fails after `limitMs`. */
async function within(limitMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > limitMs) {
      throw new Error(`not within ${limitMs} ms`);
    }
    await sleep(50);
  }
  return Date.now() - started;
}

describe('reliability on PostgreSQL', () => {
  let main: string;
  let buildDir: string;
  let db: TestDatabase;
  let env: Record<string, string>;
  const processes: SignetProcess[] = [];
  const start = async (): Promise<SignetProcess> => {
    const process = await startSignet(main, env);
    processes.push(process);
    return process;
  };

  beforeAll(async () => {
    ({ main, dir: buildDir } = buildServer('reliability'));
    db = await createTestDatabase();
    if (db.database.kind !== 'postgres') {
      throw new Error('the reliability suite runs on PostgreSQL (setup file use-postgres)');
    }
    env = {
      DATABASE_URL: db.database.url,
      DATA_DIR: db.dataDir,
      KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ADMIN_PASSWORD,
      ISSUER: 'http://signet.reliability',
      KEY_CACHE_REFRESH_SECONDS: '1',
    };
  });
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await db.drop();
    rmSync(buildDir, { recursive: true, force: true });
  });

  it('rotation under load: 30 s of guarded requests while keys rotate every second', async () => {
    const a = await start();
    let admin = await adminToken(a.url);
    const pet = await call(`${a.url}/pets`, {
      method: 'POST',
      token: admin,
      json: { name: 'Rex', species: 'dog' },
    });
    const petUrl = `${a.url}/pets/${pet.body.id as string}`;
    const tokens = [admin];
    const counts = { ok: 0, rejected: 0, serverErrors: 0, rotations: 0, tokens: 1 };
    const until = Date.now() + 30_000;
    const worker = async () => {
      while (Date.now() < until) {
        const token = tokens[Math.floor(Math.random() * tokens.length)];
        const response = await fetch(petUrl, { headers: { authorization: `Bearer ${token}` } });
        await response.arrayBuffer();
        const outcome =
          response.status === 200 ? 'ok' : response.status >= 500 ? 'serverErrors' : 'rejected';
        counts[outcome]++;
      }
    };
    // One rotation a second (ES256 keys: a fresh RSA key can take longer than a second to make
    // on a loaded machine), and a new token from each new active key.
    const rotator = async () => {
      while (Date.now() < until) {
        const started = Date.now();
        const response = await call(`${a.url}/admin/keys/rotate`, {
          method: 'POST',
          token: admin,
          json: { alg: 'ES256' },
        });
        expect(response.status).toBe(201);
        counts.rotations++;
        admin = await adminToken(a.url);
        tokens.push(admin);
        counts.tokens++;
        await sleep(Math.max(0, 1000 - (Date.now() - started)));
      }
    };
    await Promise.all([rotator(), ...Array.from({ length: 16 }, worker)]);
    console.log(`rotation under load: ${JSON.stringify(counts)}`);
    expect(counts.rotations).toBeGreaterThanOrEqual(20);
    expect(counts.rejected).toBe(0);
    expect(counts.serverErrors).toBe(0);
    expect(counts.ok).toBeGreaterThan(1000);
  });

  describe('two instances on one database', () => {
    let a: SignetProcess;
    let b: SignetProcess;
    beforeAll(async () => {
      a = processes[0] ?? (await start());
      b = await start();
    });

    it('B accepts a token issued by A, and sees A’s rotation and revocation within 2 s', async () => {
      const admin = await adminToken(a.url);
      expect((await call(`${b.url}/auth/me`, { token: admin })).status).toBe(200);
      await rotate(a.url, admin);
      const fromA = await adminToken(a.url);
      const rotationMs = await within(
        2000,
        async () => kidOf(await adminToken(b.url)) === kidOf(fromA),
      );
      expect((await call(`${b.url}/auth/me`, { token: fromA })).status).toBe(200);

      const revoked = await call(`${a.url}/admin/keys/${kidOf(fromA)}/revoke`, {
        method: 'POST',
        token: fromA,
      });
      expect(revoked.status).toBe(200);
      const revocationMs = await within(
        2000,
        async () => (await call(`${b.url}/auth/me`, { token: fromA })).status === 401,
      );
      console.log(
        `seen on B: rotation after ${rotationMs} ms, revocation after ${revocationMs} ms`,
      );
    });

    it('a client assertion jti accepted by A is refused on B', async () => {
      const { generateKeyPairSync } = await import('node:crypto');
      const { exportJWK, SignJWT } = await import('jose');
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = { ...(await exportJWK(publicKey)), kid: 'p1', alg: 'ES256' };
      const admin = await adminToken(a.url);
      const client = await call(`${a.url}/admin/clients`, {
        method: 'POST',
        token: admin,
        json: {
          client_name: 'partner',
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [jwk] },
          scope: 'pets:read',
        },
      });
      const clientId = client.body.client_id as string;
      const assertion = await new SignJWT({ jti: randomUUID() })
        .setProtectedHeader({ alg: 'ES256', kid: 'p1' })
        .setIssuer(clientId)
        .setSubject(clientId)
        .setAudience('http://signet.reliability/oauth/token')
        .setIssuedAt()
        .setExpirationTime('60s')
        .sign(privateKey);
      const form = new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      });
      const onA = await fetch(`${a.url}/oauth/token`, { method: 'POST', body: form });
      expect(onA.status).toBe(200);
      const onB = await fetch(`${b.url}/oauth/token`, { method: 'POST', body: form });
      expect(onB.status).toBe(401);
    });

    it('detects refresh-token reuse across instances', async () => {
      const first = await login(a.url);
      const refreshOnA = await call(`${a.url}/auth/refresh`, {
        method: 'POST',
        json: { refresh_token: first.body.refresh_token },
      });
      expect(refreshOnA.status).toBe(200);
      const reuseOnB = await call(`${b.url}/auth/refresh`, {
        method: 'POST',
        json: { refresh_token: first.body.refresh_token },
      });
      expect(reuseOnB.status).toBe(401);
      const successorOnA = await call(`${a.url}/auth/refresh`, {
        method: 'POST',
        json: { refresh_token: refreshOnA.body.refresh_token },
      });
      expect(successorOnA.status).toBe(401);
    });

    it('throttles failed logins across instances', async () => {
      const admin = await adminToken(a.url);
      await call(`${a.url}/admin/users`, {
        method: 'POST',
        token: admin,
        json: { username: 'target', password: 'the-right-password', scope: 'pets:read' },
      });
      for (let i = 0; i < 5; i++) {
        const instance = i % 2 === 0 ? a : b;
        expect((await login(instance.url, 'target', `wrong-${i}`)).status).toBe(401);
      }
      expect((await login(b.url, 'target', 'the-right-password')).status).toBe(429);
      expect((await login(a.url, 'target', 'the-right-password')).status).toBe(429);
    });
  });

  describe('crash safety (kill -9)', () => {
    it('keeps every key that signed a live token published after a kill during a rotation loop', async () => {
      const victim = await start();
      const live: string[] = [await adminToken(victim.url)];
      const loop = (async () => {
        for (let i = 0; i < 200; i++) {
          try {
            await rotate(victim.url, live[live.length - 1], 'ES256');
            live.push(await adminToken(victim.url));
          } catch {
            return;
          }
        }
      })();
      await sleep(1500 + Math.random() * 1000);
      await victim.stop('SIGKILL');
      await loop;
      const restarted = await start();
      const kids = await publishedKids(restarted.url);
      const admin = await adminToken(restarted.url);
      const keys = await call(`${restarted.url}/admin/keys?limit=100`, { token: admin });
      const states = (keys.body.items as { state: string }[]).map((k) => k.state);
      console.log(`kill -9 after ${live.length - 1} rotations; ${kids.length} keys published`);
      expect(states.filter((s) => s === 'active')).toHaveLength(1);
      expect(states.filter((s) => s === 'next')).toHaveLength(1);
      for (const token of live) {
        expect(kids).toContain(kidOf(token));
        expect((await call(`${restarted.url}/auth/me`, { token })).status).toBe(200);
      }
    });

    it('starts again after a kill during a burst of logins, and logins work', async () => {
      const victim = await start();
      const burst = Promise.allSettled(Array.from({ length: 30 }, () => login(victim.url)));
      await sleep(300);
      await victim.stop('SIGKILL');
      await burst;
      const restarted = await start();
      expect((await login(restarted.url)).status).toBe(200);
      expect((await call(`${restarted.url}/health`)).status).toBe(200);
    });
  });
});
