// Signet under test: build, start, set up through its HTTP API, and seed growth data.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import { httpRequest, spawnPinned, waitFor200 } from './processes.mjs';

export const ROOT = new URL('../..', import.meta.url).pathname;
// Built apart from ./dist, which the test suite rebuilds and deletes while it runs.
const DIST = join(ROOT, 'bench', 'dist');
// The production entry: the bundle run with its code cache (scripts/bundle-server.js).
// SIGNET_ENTRY (a path under bench/dist) runs another entry instead, for an A/B in the profiling
// helpers: src/main.js (unbundled), signet.js (the bundle without its code cache).
export const MAIN_JS = join(DIST, process.env.SIGNET_ENTRY ?? join('src', 'start.js'));
export const ADMIN_PASSWORD = 'bench-admin-password';
const USER = { username: 'bench-reader', password: 'bench-reader-password', scope: 'pets:read' };

export function build() {
  execFileSync('npx', ['nest', 'build', '--path', 'bench/tsconfig.build.json'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 180_000,
  });
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'bundle-server.js'), DIST], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 120_000,
  });
  // The code cache, as the Dockerfile writes it: otherwise whether a start finds one depends on
  // whether an earlier start ran for a second (the cold starts stop at their first 200).
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'warm-code-cache.js'), DIST], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 120_000,
  });
}

export function signetEnv(dir, port, extra = {}) {
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    ISSUER: `http://127.0.0.1:${port}`,
    DATA_DIR: dir,
    DATABASE_URL: `sqlite:${join(dir, 'signet.sqlite')}`,
    ADMIN_PASSWORD,
    KEY_ENCRYPTION_KEY: randomKek(dir),
    // Request logs go to a file in the temp dir either way; warn keeps their cost out of the
    // comparison (the references log nothing).
    LOG_LEVEL: 'warn',
    // GET /benchmark/pets/{id}: the public twin of the guarded route (target 1).
    BENCHMARK_ROUTES: 'true',
    // One client asks for thousands of tokens a second here; the per-client limit is not
    // what is measured.
    TOKEN_RATE_LIMIT: '0',
    ...extra,
  };
}

const keks = new Map();
function randomKek(dir) {
  if (!keks.has(dir)) {
    keks.set(dir, randomBytes(32).toString('base64'));
  }
  return keks.get(dir);
}

/**
 * Starts Signet and waits until its discovery document answers. `nodeArgs` replaces the entry
 * (profiling flags, another build).
 */
export async function startSignet(dir, port, extra = {}, nodeArgs = [MAIN_JS]) {
  const startedAt = process.hrtime.bigint();
  const child = spawnPinned(nodeArgs, {
    env: signetEnv(dir, port, extra),
    cwd: dir,
    logFile: join(dir, 'signet.log'),
  });
  const url = `http://127.0.0.1:${port}/.well-known/openid-configuration`;
  const ms = await waitFor200(url, { child, startedAt });
  return { child, ms };
}

async function call(base, method, path, { token, json, form, basic } = {}) {
  const headers = {};
  if (token) {
    headers.authorization = `Bearer ${token}`;
  }
  if (basic) {
    headers.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
  }
  let body;
  if (json) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(json);
  }
  if (form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  }
  const res = await httpRequest(`${base}${path}`, { method, headers, body });
  if (res.status < 200 || res.status > 299) {
    throw new Error(`${method} ${path}: ${res.status} ${res.body.slice(0, 300)}`);
  }
  return res.body ? JSON.parse(res.body) : undefined;
}

export const login = (base, username, password) =>
  call(base, 'POST', '/auth/login', { json: { username, password } });

/** The walk-through of the README: a user, a pet, a secret client and a partner (PS256). */
export async function setUp(base, partnerKey) {
  const admin = (await login(base, 'admin', ADMIN_PASSWORD)).access_token;
  await call(base, 'POST', '/admin/users', { token: admin, json: USER });
  const reader = await login(base, USER.username, USER.password);
  const pet = await call(base, 'POST', '/pets', {
    token: admin,
    json: { name: 'Rex', species: 'dog', age: 3 },
  });
  const secretClient = await call(base, 'POST', '/admin/clients', {
    token: admin,
    json: { client_name: 'bench reporting', scope: 'pets:read' },
  });
  const partner = await call(base, 'POST', '/admin/clients', {
    token: admin,
    json: {
      client_id: 'bench-partner',
      client_name: 'bench partner',
      token_endpoint_auth_method: 'private_key_jwt',
      scope: 'pets:read',
      jwks: partnerKey.publicJwks,
    },
  });
  return {
    base,
    admin,
    user: USER,
    accessToken: reader.access_token,
    petId: pet.id,
    basic: `${secretClient.client_id}:${secretClient.client_secret}`,
    partnerClientId: partner.client_id,
  };
}

export async function clientCredentials(base, basic) {
  return call(base, 'POST', '/oauth/token', { basic, form: { grant_type: 'client_credentials' } });
}

export async function rotateKeys(base, admin, count) {
  for (let i = 0; i < count; i += 1) {
    await call(base, 'POST', '/admin/keys/rotate', { token: admin, json: {} });
  }
}

/** A PS256 key pair for the partner client, registered at Signet and at oidc-provider. */
export async function partnerKeyPair() {
  const { privateKey, publicKey } = await generateKeyPair('PS256', { extractable: true });
  const kid = 'bench-partner-1';
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'PS256', use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'PS256' };
  return { publicJwks: { keys: [publicJwk] }, privateJwk };
}

/**
 * `count` private_key_jwt assertions (PS256, one jti each) for the token endpoint `tokenUrl`,
 * signed here on the harness's core (the profiling helpers; `npm run bench` signs on both cores).
 */
export async function signPartnerAssertions(tokenUrl, partnerClientId, privateJwk, count) {
  const key = await importJWK(privateJwk, 'PS256');
  const now = Math.floor(Date.now() / 1000);
  const assertions = [];
  for (let i = 0; i < count; i += 1) {
    assertions.push(
      await new SignJWT({ jti: `p-${i}` })
        .setProtectedHeader({ alg: 'PS256', kid: privateJwk.kid })
        .setIssuer(partnerClientId)
        .setSubject(partnerClientId)
        .setAudience(tokenUrl)
        .setIssuedAt(now)
        .setExpirationTime(now + 290)
        .sign(key),
    );
  }
  return assertions;
}

/**
 * autocannon target: client_credentials with client_secret_basic (`basic` = "id:secret") at the
 * token endpoint `tokenUrl`.
 */
export function basicTokenTarget(tokenUrl, basic) {
  return {
    url: tokenUrl,
    requests: [
      {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(basic).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials&scope=pets%3Aread',
      },
    ],
  };
}

/**
 * autocannon requests that each take the next assertion of `pool` (one body per request, see
 * lib/load.mjs: a pool that runs dry ends the run and says so).
 */
export function partnerAssertionRequests(pool) {
  const type = encodeURIComponent('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
  return [
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      nextBody: () => {
        const assertion = pool.pop();
        return assertion === undefined
          ? undefined
          : `grant_type=client_credentials&scope=pets%3Aread&client_assertion_type=${type}&client_assertion=${assertion}`;
      },
    },
  ];
}

// ---- growth: rows copied from real ones, straight into Signet's tables -------------------

const UUID_SQL =
  "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || " +
  "substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || " +
  "substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))";

function sqlite(dbPath, sql) {
  return execFileSync('sqlite3', ['-cmd', '.timeout 20000', dbPath], {
    input: sql,
    timeout: 120_000,
  }).toString();
}

function columnsOf(dbPath, table) {
  return sqlite(dbPath, `PRAGMA table_info(${table});`)
    .trim()
    .split('\n')
    .map((line) => line.split('|')[1]);
}

/** `count` copies of one template row, with some columns computed from n (1…count). */
function copyRows(dbPath, table, where, count, overrides) {
  const columns = columnsOf(dbPath, table);
  const values = columns.map((c) => overrides[c] ?? `t.${c}`);
  return (
    `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${count}) ` +
    `INSERT INTO ${table} (${columns.join(', ')}) ` +
    `SELECT ${values.join(', ')} FROM seq, (SELECT * FROM ${table} WHERE ${where}) t;\n`
  );
}

/**
 * 100,000 pets, 100,000 refresh tokens and 1,000 clients, copied from the rows the API made
 * (so every column Signet's migrations created is filled as Signet fills it), in one
 * transaction. Returns the seconds it took.
 */
export function seedGrowth(dir, { petId, partnerClientId }, counts) {
  const dbPath = join(dir, 'signet.sqlite');
  const startedAt = Date.now();
  const older = (column) => `t.${column} - n`;
  const sql =
    'BEGIN;\n' +
    copyRows(dbPath, 'pets', `id = '${petId}'`, counts.pets, {
      id: UUID_SQL,
      name: "'Pet ' || n",
      created_at: older('created_at'),
      updated_at: older('updated_at'),
    }) +
    copyRows(
      dbPath,
      'refresh_tokens',
      'rowid = (SELECT max(rowid) FROM refresh_tokens)',
      counts.refreshTokens,
      {
        id: UUID_SQL,
        token_hash: 'lower(hex(randomblob(32)))',
        chain_id: UUID_SQL,
        created_at: older('created_at'),
      },
    ) +
    copyRows(dbPath, 'clients', `client_id = '${partnerClientId}'`, counts.clients, {
      client_id: "'bench-client-' || n",
      client_name: "'bench client ' || n",
      created_at: older('created_at'),
      updated_at: older('updated_at'),
    }) +
    'COMMIT;\n';
  sqlite(dbPath, sql);
  const rows = sqlite(
    dbPath,
    'SELECT (SELECT count(*) FROM pets), (SELECT count(*) FROM refresh_tokens), ' +
      "(SELECT count(*) FROM clients), (SELECT count(*) FROM signing_keys WHERE state = 'retired');",
  )
    .trim()
    .split('|')
    .map(Number);
  return {
    seconds: (Date.now() - startedAt) / 1000,
    pets: rows[0],
    refreshTokens: rows[1],
    clients: rows[2],
    retiredKeys: rows[3],
  };
}
