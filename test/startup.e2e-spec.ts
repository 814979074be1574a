import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, OPEN_READONLY } from 'sqlite3';
import { MIGRATIONS } from '../migrations';
import { testDatabaseKind } from './support/database';
import { buildServer } from './support/server-process';

/*
 * CONTRACT §1 through the compiled server, as `npm start` runs it: configuration errors, the
 * zero-configuration first start under ./data, and a restart on the same data directory.
 *
 * These tests spawn `node main.js` with an environment of their own and never touch the database
 * the e2e project selects, so they would only repeat themselves in the PostgreSQL project: they
 * run in the SQLite project only (one build and a few server starts per `npm test`).
 */
const describeOnce = testDatabaseKind() === 'sqlite' ? describe : describe.skip;

// A build of our own (not ./dist, which `nest build` deletes and rewrites: a developer's running
// `npm start` would lose it). Generous start timeout: CI machines have two CPUs and run several
// e2e files at once; a start takes 1–5 s.
let BUILD_DIR = '';
let MAIN = '';
const START_TIMEOUT_MS = 60_000;

function build(): void {
  ({ main: MAIN, dir: BUILD_DIR } = buildServer('startup-test'));
}

/** Only what Signet needs from the test runner's environment: none of its own variables. */
function baseEnvironment(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, TZ: 'UTC' };
}

interface Output {
  stdout: string;
  stderr: string;
}

/** A spawned server: its output so far, and its exit code once it has exited and closed its pipes. */
interface ServerProcess {
  child: ChildProcess;
  output: Output;
  closed: Promise<number | null>;
}

const running = new Set<ServerProcess>();

function spawnServer(cwd: string, env: NodeJS.ProcessEnv): ServerProcess {
  const child = spawn(process.execPath, [MAIN], {
    cwd,
    env: { ...baseEnvironment(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: Output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
  const server: ServerProcess = {
    child,
    output,
    closed: new Promise((resolveClosed) => child.on('close', resolveClosed)),
  };
  running.add(server);
  void server.closed.then(() => running.delete(server));
  return server;
}

function hasExited({ child }: ServerProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** The exit code, or a failure (and SIGKILL) when the process outlives `timeoutMs`. */
async function exited(server: ServerProcess, timeoutMs: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      server.child.kill('SIGKILL');
      reject(new Error(`the server did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([server.closed, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function stop(server: ServerProcess): Promise<void> {
  if (!hasExited(server)) {
    server.child.kill('SIGTERM');
  }
  await exited(server, 15_000);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A random port in 20000–39999 that nothing listens on right now (the app cannot use 0). */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const isFree = await new Promise<boolean>((resolvePromise) => {
      const probe = createServer();
      probe.once('error', () => resolvePromise(false));
      probe.listen(port, '0.0.0.0', () => probe.close(() => resolvePromise(true)));
    });
    if (isFree) {
      return port;
    }
  }
  throw new Error('no free port found');
}

interface RunningServer extends ServerProcess {
  url: string;
}

/** Starts the server on a free port and waits for /health; retries when the port was taken. */
async function startServer(cwd: string, env: NodeJS.ProcessEnv = {}): Promise<RunningServer> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const port = await freePort();
    const server = spawnServer(cwd, { ...env, PORT: String(port) });
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!hasExited(server) && Date.now() < deadline) {
      const health = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) }).catch(
        () => undefined,
      );
      if (health?.status === 200) {
        return { ...server, url };
      }
      await sleep(100);
    }
    await stop(server);
    const { stdout, stderr } = server.output;
    if (!/EADDRINUSE/.test(stdout + stderr)) {
      throw new Error(`the server did not start:\n${stderr}\n${stdout}`);
    }
  }
  throw new Error('the server did not find a free port in 5 attempts');
}

/** Runs the server to its exit, e.g. with a bad configuration. */
async function runToExit(env: NodeJS.ProcessEnv): Promise<Output & { code: number | null }> {
  const cwd = mkdtempSync(join(tmpdir(), 'signet-startup-'));
  try {
    const server = spawnServer(cwd, { PORT: String(await freePort()), ...env });
    const code = await exited(server, START_TIMEOUT_MS);
    return { ...server.output, code };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function jwksKids(server: RunningServer): Promise<string[]> {
  const response = await fetch(`${server.url}/.well-known/jwks.json`);
  expect(response.status).toBe(200);
  const jwks = (await response.json()) as { keys: { kid: string }[] };
  return jwks.keys.map((key) => key.kid).sort();
}

/** Waits until the server's stdout holds `text` (pino writes asynchronously). */
async function waitForLog(output: Output, text: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!output.stdout.includes(text) && Date.now() < deadline) {
    await sleep(50);
  }
}

const occurrences = (haystack: string, needle: string): number => haystack.split(needle).length - 1;

describeOnce('start-up of the compiled server (CONTRACT §1)', () => {
  beforeAll(build, 180_000);
  afterAll(async () => {
    await Promise.all([...running].map((server) => stop(server)));
    rmSync(BUILD_DIR, { recursive: true, force: true });
  }, 30_000);

  describe('a bad configuration value stops start-up with one line naming the variable', () => {
    const cases: [name: string, value: string][] = [
      ['SIGNING_ALG', 'HS256'],
      ['DATABASE_URL', 'mysql://x'],
      ['KEY_ENCRYPTION_KEY', 'short'],
      ['KEY_ENCRYPTION_KEY', Buffer.alloc(16, 7).toString('base64')],
      ['PORT', 'abc'],
      ['ISSUER', 'not-a-url'],
      ['ACCESS_TOKEN_TTL', '0'],
      ['TOKEN_HEADER_KEYS', 'x509'],
      ['ADMIN_PASSWORD', 'short'],
      ['TOKEN_RATE_LIMIT', '-1'],
      ['REDIS_URL', 'http://:secret-in-url@cache:6379'],
      // Well-formed but unreachable: fails fast, like an unreachable database.
      ['REDIS_URL', 'redis://:secret-in-url@127.0.0.1:1'],
    ];
    // Each start loads the whole app before it reads the environment: run a few side by side.
    const results = new Map<string, Output & { code: number | null }>();
    beforeAll(async () => {
      const queue = [...cases];
      const worker = async (): Promise<void> => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const [name, value] = next;
          results.set(`${name}=${value}`, await runToExit({ [name]: value }));
        }
      };
      await Promise.all(Array.from({ length: Math.min(4, availableParallelism()) }, worker));
    }, 240_000);

    it.each(cases)('%s=%s → exit code 1, one line on stderr, no stack trace', (name, value) => {
      const result = results.get(`${name}=${value}`)!;
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`\\b${name}\\b`));
      expect(result.stderr).not.toContain('    at ');
      if (['KEY_ENCRYPTION_KEY', 'ADMIN_PASSWORD', 'REDIS_URL'].includes(name)) {
        expect(result.stderr).not.toContain(value);
        expect(result.stderr).not.toContain('secret-in-url');
      }
    });
  });

  describe('with no configuration at all (only PORT), in an empty directory', () => {
    let cwd: string;
    let dataDir: string;
    let first: RunningServer;
    let adminPassword: string;
    let firstKids: string[];

    beforeAll(async () => {
      cwd = mkdtempSync(join(tmpdir(), 'signet-startup-'));
      dataDir = join(cwd, 'data');
      first = await startServer(cwd);
    }, 120_000);
    afterAll(() => rmSync(cwd, { recursive: true, force: true }));

    it('answers GET /health 200 {status: "ok"}', async () => {
      const response = await fetch(`${first.url}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual(expect.objectContaining({ status: 'ok' }));
    });

    it('creates the SQLite database and a KEK readable by its owner only under ./data', () => {
      expect(statSync(join(dataDir, 'signet.sqlite')).isFile()).toBe(true);
      const kek = statSync(join(dataDir, 'kek'));
      expect(kek.mode & 0o777).toBe(0o600);
      expect(Buffer.from(readFileSync(join(dataDir, 'kek'), 'utf8').trim(), 'base64')).toHaveLength(
        32,
      );
      expect(first.output.stdout).toContain('KEY_ENCRYPTION_KEY');
    });

    it('logs the generated admin password once, and it logs in', async () => {
      const match = /generated password (\S+)/.exec(first.output.stdout);
      expect(match).not.toBeNull();
      adminPassword = match![1];
      expect(occurrences(first.output.stdout, adminPassword)).toBe(1);
      const response = await post(`${first.url}/auth/login`, {
        username: 'admin',
        password: adminPassword,
      });
      expect(response.status).toBe(200);
      expect(first.output.stderr).toBe('');
    });

    it('logs each request with its request id, and never a password or a token', async () => {
      const wrongPassword = 'not-the-password-8c2e41f0';
      const failed = await post(
        `${first.url}/auth/login`,
        { username: 'admin', password: wrongPassword },
        { 'X-Request-Id': 'startup-failed-login-1' },
      );
      expect(failed.status).toBe(401);
      const login = await post(`${first.url}/auth/login`, {
        username: 'admin',
        password: adminPassword,
      });
      const tokens = (await login.json()) as { access_token: string; refresh_token: string };
      const me = await fetch(`${first.url}/auth/me`, {
        headers: {
          Authorization: `Bearer ${tokens.access_token}`,
          'X-Request-Id': 'startup-me-request-1',
        },
      });
      expect(me.status).toBe(200);
      expect(me.headers.get('x-request-id')).toBe('startup-me-request-1');
      await waitForLog(first.output, 'startup-me-request-1');

      const log = first.output.stdout;
      expect(log).toContain('startup-failed-login-1');
      expect(log).toContain('startup-me-request-1');
      expect(log).not.toContain(wrongPassword);
      expect(occurrences(log, adminPassword)).toBe(1); // the bootstrap line only
      for (const secret of [
        tokens.access_token,
        tokens.access_token.split('.')[2],
        tokens.refresh_token,
      ]) {
        expect(log).not.toContain(secret);
      }
      firstKids = await jwksKids(first);
    });

    it('serves from the bundle what the in-process tests check: docs and their assets, discovery, a verifiable token, a guarded route, metrics', async () => {
      const login = await post(`${first.url}/auth/login`, {
        username: 'admin',
        password: adminPassword,
      });
      const { access_token: token } = (await login.json()) as { access_token: string };
      const { createRemoteJWKSet, jwtVerify } = await import('jose');
      const discovery = (await (
        await fetch(`${first.url}/.well-known/openid-configuration`)
      ).json()) as { issuer: string; jwks_uri: string };
      const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(discovery.jwks_uri)), {
        issuer: discovery.issuer,
      });
      expect(payload.sub).toEqual(expect.any(String));

      const pet = await post(
        `${first.url}/pets`,
        { name: 'Bundle', species: 'cat', age: 2 },
        { Authorization: `Bearer ${token}` },
      );
      expect(pet.status).toBe(201);
      const { id } = (await pet.json()) as { id: string };
      const read = await fetch(`${first.url}/pets/${id}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(read.status).toBe(200);
      expect(await read.json()).toMatchObject({ id, name: 'Bundle' });
      expect((await fetch(`${first.url}/pets/${id}`)).status).toBe(401);
      const invalid = await post(
        `${first.url}/pets`,
        { name: '', age: -1 },
        {
          Authorization: `Bearer ${token}`,
        },
      );
      expect(invalid.status).toBe(400);

      // Swagger UI's files come from swagger-ui-dist in node_modules, not from the bundle.
      const docs = await fetch(`${first.url}/docs`);
      expect(docs.status).toBe(200);
      const html = await docs.text();
      const script = /src="([^"]*swagger-ui-bundle\.js)"/.exec(html);
      expect(script).not.toBeNull();
      const asset = await fetch(new URL(script![1], `${first.url}/docs`));
      expect(asset.status).toBe(200);
      expect((await asset.text()).length).toBeGreaterThan(100_000);
      const openapi = (await (await fetch(`${first.url}/docs-json`)).json()) as {
        paths: Record<string, unknown>;
      };
      expect(Object.keys(openapi.paths)).toEqual(
        expect.arrayContaining(['/auth/login', '/pets/{id}', '/oauth/token']),
      );
      const metrics = await fetch(`${first.url}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('http_request');

      // The code cache is written beside the bundle once the server has run for a second.
      const cacheFile = join(BUILD_DIR, 'build', 'signet.js.cache');
      const deadline = Date.now() + 10_000;
      while (!existsSync(cacheFile) && Date.now() < deadline) {
        await sleep(100);
      }
      expect(statSync(cacheFile).size).toBeGreaterThan(1_000_000);
      expect(first.output.stderr).toBe('');
    });

    it('records each migration under its class name (the bundle keeps the names TypeORM reads)', async () => {
      const database = new Database(join(dataDir, 'signet.sqlite'), OPEN_READONLY);
      const rows = await new Promise<{ name: string }[]>((resolveRows, reject) =>
        database.all<{ name: string }>('SELECT name FROM migrations ORDER BY id', (error, found) =>
          error ? reject(error) : resolveRows(found),
        ),
      );
      await new Promise((closed) => database.close(closed));
      expect(rows.map((row) => row.name)).toEqual(MIGRATIONS.map((migration) => migration.name));
    });

    it('a second start on the same ./data keeps the keys, the KEK and the admin password', async () => {
      const kek = readFileSync(join(dataDir, 'kek'), 'utf8');
      await stop(first);
      const second = await startServer(cwd);
      try {
        expect(await jwksKids(second)).toEqual(firstKids);
        expect(readFileSync(join(dataDir, 'kek'), 'utf8')).toBe(kek);
        const login = await post(`${second.url}/auth/login`, {
          username: 'admin',
          password: adminPassword,
        });
        expect(login.status).toBe(200);
        expect(second.output.stdout).not.toContain('generated password');
        expect(second.output.stdout).not.toContain('KEY_ENCRYPTION_KEY is not set');
      } finally {
        await stop(second);
      }
    }, 150_000);
  });

  describe('scripts/warm-code-cache.js (the Dockerfile writes the cache at build time)', () => {
    it('writes the code cache beside the bundle and leaves no database or key behind', () => {
      const build = join(BUILD_DIR, 'build');
      const cacheFile = join(build, 'signet.js.cache');
      rmSync(cacheFile, { force: true });
      const before = readdirSync(tmpdir()).filter((name) => name.startsWith('signet-warm-'));
      const result = spawnSync(
        process.execPath,
        [join(__dirname, '..', 'scripts', 'warm-code-cache.js'), build],
        { encoding: 'utf8', timeout: 90_000 },
      );
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(statSync(cacheFile).size).toBeGreaterThan(1_000_000);
      const after = readdirSync(tmpdir()).filter((name) => name.startsWith('signet-warm-'));
      expect(after).toEqual(before);
    }, 120_000);
  });
});
