// Profiling helper, not part of `npm run bench`: starts the bench build of Signet (build it
// first: npx nest build --path bench/tsconfig.build.json) on core 0, sets it up, loads each of
// ROUTES (public,twin,guarded,jwks,token,pkj) for SECONDS and prints CPU µs per request
// (THREADS=1: per thread). PROFILE=1 writes a V8 CPU profile to $PROFILE_DIR (/tmp/prof).
// MEM=1 prints RSS and V8 heap figures at the end (IDLE=s waits first); SNAPSHOT=1 with
// NODE_FLAGS=--heapsnapshot-signal=SIGUSR2 also writes a heap snapshot into the server's dir.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
function threads(pid) {
  const out = {};
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out[`${t}:${name}`] = Number(f[11]) + Number(f[12]);
  }
  return out;
}
import { loadOnce } from './lib/load.mjs';
import { cpuMicros, freePort, pinSelf, stop } from './lib/processes.mjs';
import {
  basicTokenTarget,
  partnerAssertionRequests,
  MAIN_JS,
  partnerKeyPair,
  seedGrowth,
  setUp,
  signPartnerAssertions,
  startSignet,
} from './lib/signet.mjs';

pinSelf();
const dir = mkdtempSync(join(tmpdir(), 'signet-prof-'));
const port = await freePort();
const flags = process.env.PROFILE
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROFILE_DIR ?? '/tmp/prof'}`]
  : [];
// NODE_FLAGS: extra flags for the server's node, e.g. --max-semi-space-size=32.
const nodeFlags = (process.env.NODE_FLAGS ?? '').split(' ').filter(Boolean);
const { child } = await startSignet(dir, port, JSON.parse(process.env.SIGNET_ENV ?? '{}'), [
  ...nodeFlags,
  ...flags,
  MAIN_JS,
]);
const base = `http://127.0.0.1:${port}`;
const partner = await partnerKeyPair();
const ctx = await setUp(base, partner);
const assertions = (process.env.ROUTES ?? '').includes('pkj')
  ? await signPartnerAssertions(
      `${base}/oauth/token`,
      ctx.partnerClientId,
      partner.privateJwk,
      12_000,
    )
  : [];
if (process.env.SEED) {
  // The growth of target 7, for the `page` route: 100,000 pets (and the other rows).
  seedGrowth(dir, ctx, { pets: 100_000, refreshTokens: 100_000, clients: 1_000 });
}
const routes = {
  page: {
    url: `${base}/pets?limit=50&offset=99950`,
    headers: { authorization: `Bearer ${ctx.accessToken}` },
    connections: Number(process.env.CONNECTIONS ?? 10),
    overallRate: Number(process.env.RATE ?? 100),
    // STAGGER=1: requests spread evenly, as the bench's target 7 figure sends them.
    staggered: Boolean(process.env.STAGGER),
  },
  public: { url: `${base}/.well-known/openid-configuration` },
  health: { url: `${base}/health` },
  jwks: { url: `${base}/.well-known/jwks.json` },
  guarded: {
    url: `${base}/pets/${ctx.petId}`,
    headers: { authorization: `Bearer ${ctx.accessToken}` },
  },
  twin: { url: `${base}/benchmark/pets/${ctx.petId}` },
  // The guarded route at a fixed rate: CONNECTIONS (10) at RATE (100) req/s.
  steady: {
    url: `${base}/pets/${ctx.petId}`,
    headers: { authorization: `Bearer ${ctx.accessToken}` },
    connections: Number(process.env.CONNECTIONS ?? 10),
    overallRate: Number(process.env.RATE ?? 100),
    staggered: Boolean(process.env.STAGGER),
  },
  pkj: { url: `${base}/oauth/token`, requests: partnerAssertionRequests(assertions) },
  token: basicTokenTarget(`${base}/oauth/token`, ctx.basic),
};
const seconds = Number(process.env.SECONDS ?? 8);
for (const name of (process.env.ROUTES ?? 'public,guarded').split(',')) {
  const target = routes[name];
  await loadOnce(target, 2);
  const before = cpuMicros(child.pid);
  const th0 = threads(child.pid);
  const t0 = Date.now();
  const result = await loadOnce(target, seconds);
  const cpu = cpuMicros(child.pid) - before;
  const th1 = threads(child.pid);
  if (process.env.THREADS) {
    console.log(
      Object.entries(th1)
        .map(([k, v]) => [k, v - (th0[k] ?? 0)])
        .filter(([, d]) => d > 0)
        .map(([k, d]) => `${k}=${d}`)
        .join(' '),
    );
  }
  const done = result['2xx'] + result.non2xx;
  console.log(
    `${name}: ${(result['2xx'] / ((Date.now() - t0) / 1000)).toFixed(0)} req/s, ` +
      `${(cpu / done).toFixed(1)} µs CPU/req, non2xx ${result.non2xx}, p50 ${result.latency.p50} p90 ${result.latency.p90} p99 ${result.latency.p99} max ${result.latency.max} ms`,
  );
}
if (process.env.MEM) {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  console.log(
    status
      .split('\n')
      .filter((l) => /^(VmRSS|RssAnon|RssFile|VmHWM)/.test(l))
      .join(' '),
  );
  const metrics = await (
    await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${ctx.adminToken ?? ''}` } })
  ).text();
  await new Promise((r) => setTimeout(r, Number(process.env.IDLE ?? 0) * 1000));
  console.log(
    readFileSync(`/proc/${child.pid}/status`, 'utf8')
      .split('\n')
      .filter((l) => /^(VmRSS|RssAnon)/.test(l))
      .join(' '),
  );
  if (process.env.SNAPSHOT) {
    process.kill(child.pid, 'SIGUSR2');
    await new Promise((r) => setTimeout(r, 15000));
    console.log(`heap snapshot in ${dir}`);
  }
  console.log(
    metrics
      .split('\n')
      .filter((l) => /heap_size_(used|total)_bytes |external_memory|resident/.test(l))
      .join('\n'),
  );
}
child.kill('SIGINT');
await new Promise((r) => setTimeout(r, 3000));
await stop(child);
