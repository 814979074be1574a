// Profiling helper, not part of `npm run bench`: an A/B of server entries (paths under bench/dist;
// ENTRIES=src/start.js,src/main.js by default) on the same core at the same time. Each is started
// and set up; then, per route of ROUTES (guarded,twin,jwks,token), the entries take turns for
// ROUNDS (3) runs of SECONDS (5) each, and the CPU µs per request of every run is printed. pkj
// (private_key_jwt) takes ASSERTIONS (20,000) assertions per server, signed before the runs. On
// this VM the vCPU speed drifts by tens of per cent within minutes, so only entries measured in
// turn, minutes apart at most, can be compared. SIGNET_ENV (JSON) adds environment variables.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOnce } from './lib/load.mjs';
import { cpuMicros, freePort, pinSelf, stop } from './lib/processes.mjs';
import {
  basicTokenTarget,
  partnerAssertionRequests,
  partnerKeyPair,
  setUp,
  signPartnerAssertions,
  startSignet,
} from './lib/signet.mjs';

const DIST = new URL('./dist', import.meta.url).pathname;
const entries = (process.env.ENTRIES ?? 'src/start.js,src/main.js').split(',');
const seconds = Number(process.env.SECONDS ?? 5);
const rounds = Number(process.env.ROUNDS ?? 3);

function routes({ base, ctx, assertions }) {
  return {
    pkj: { url: `${base}/oauth/token`, requests: partnerAssertionRequests(assertions) },
    guarded: {
      url: `${base}/pets/${ctx.petId}`,
      headers: { authorization: `Bearer ${ctx.accessToken}` },
    },
    twin: { url: `${base}/benchmark/pets/${ctx.petId}` },
    jwks: { url: `${base}/.well-known/jwks.json` },
    token: basicTokenTarget(`${base}/oauth/token`, ctx.basic),
  };
}

/** A run's CPU µs per answer (and its non-2xx answers, if any) under the entry and route. */
function record(server, route, cpuBefore, result) {
  const perRequest = (cpuMicros(server.child.pid) - cpuBefore) / (result['2xx'] + result.non2xx);
  (server.cpu[route] ??= []).push(
    `${perRequest.toFixed(0)}${result.non2xx > 0 ? ` (${result.non2xx} non-2xx)` : ''}`,
  );
}

pinSelf();
const partner = await partnerKeyPair();
const servers = [];
for (const entry of entries) {
  const dir = mkdtempSync(join(tmpdir(), 'signet-ab-'));
  const port = await freePort();
  // An entry may start with NAME=value words (environment) and node flags: "LOG_LEVEL=info
  // --max-semi-space-size=32 src/start.js".
  const words = entry.split(' ');
  const env = {
    ...JSON.parse(process.env.SIGNET_ENV ?? '{}'),
    ...Object.fromEntries(words.filter((w) => /^[A-Z_]+=/.test(w)).map((w) => w.split(/=(.*)/s))),
  };
  const flags = words.slice(0, -1).filter((w) => w.startsWith('-'));
  const { child } = await startSignet(dir, port, env, [...flags, join(DIST, words.at(-1))]);
  const base = `http://127.0.0.1:${port}`;
  const server = { entry, child, base, ctx: await setUp(base, partner), cpu: {} };
  if (process.env.ROUTES?.includes('pkj')) {
    server.assertions = await signPartnerAssertions(
      `${base}/oauth/token`,
      server.ctx.partnerClientId,
      partner.privateJwk,
      Number(process.env.ASSERTIONS ?? 20_000),
    );
  }
  servers.push(server);
}
for (const route of (process.env.ROUTES ?? 'guarded,token').split(',')) {
  for (const server of servers) {
    await loadOnce(routes(server)[route], 3);
  }
  for (let round = 0; round < rounds; round += 1) {
    if (process.env.TOGETHER) {
      // All entries loaded at once, sharing core 0: the vCPU speed is the same for each.
      const befores = servers.map((server) => cpuMicros(server.child.pid));
      const results = await Promise.all(
        servers.map((server) =>
          loadOnce(
            { ...routes(server)[route], connections: Math.ceil(50 / servers.length) },
            seconds,
          ),
        ),
      );
      servers.forEach((server, i) => record(server, route, befores[i], results[i]));
      continue;
    }
    for (const server of servers) {
      const before = cpuMicros(server.child.pid);
      record(server, route, before, await loadOnce(routes(server)[route], seconds));
    }
  }
}
for (const server of servers) {
  console.log(`${server.entry}: ${JSON.stringify(server.cpu)}`);
  await stop(server.child);
}
