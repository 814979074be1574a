// Diagnostic, not part of `npm run bench` (build first, as profile.mjs says): starts the bench
// build of Signet on core 0 and loads POST /oauth/token requests that stop at different points,
// beside a public GET and an unknown URL, in turns (ROUNDS × SECONDS each), printing CPU µs per
// request: median (min–max). The failing variants answer 4xx, which pino-http logs at warn (a log
// line each), so they bound the steps before them from above. SIGNET_ENV='{"SIGNING_ALG":"ES256"}'
// swaps the RSA signature (~260 µs) for an ECDSA one (~30–50 µs): what is left is the endpoint's
// own work.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scenariosInTurns } from './lib/load.mjs';
import { freePort, pinSelf, stop } from './lib/processes.mjs';
import { basicTokenTarget, partnerKeyPair, setUp, startSignet } from './lib/signet.mjs';

pinSelf();
const dir = mkdtempSync(join(tmpdir(), 'signet-partition-'));
const port = await freePort();
const { child } = await startSignet(dir, port, JSON.parse(process.env.SIGNET_ENV ?? '{}'));
const base = `http://127.0.0.1:${port}`;
const ctx = await setUp(base, await partnerKeyPair());
const token = basicTokenTarget(`${base}/oauth/token`, ctx.basic);
const [request] = token.requests;
const tokenRequest = (changes) => ({
  url: token.url,
  requests: [{ ...request, ...changes, headers: { ...request.headers, ...changes.headers } }],
});
const clientId = ctx.basic.slice(0, ctx.basic.indexOf(':'));
const variants = {
  // A token, as target 2 asks for it.
  token,
  // Refused before the client is looked up: form, Basic header, grant check.
  badGrant: tokenRequest({ body: 'grant_type=password' }),
  // Refused after the client lookup and the HMAC of the secret.
  badSecret: tokenRequest({
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:wrong`).toString('base64')}` },
  }),
  // Refused after client authentication, at the scope check.
  badScope: tokenRequest({ body: 'grant_type=client_credentials&scope=nope%3Anope' }),
  // The same HTTP server, hooks and Nest router, with a constant body.
  publicGet: { url: `${base}/.well-known/openid-configuration` },
  // Fastify's 404 through Nest's filter, logged at warn.
  notFound: { url: `${base}/no-such-route` },
};
const names = (process.env.ROUTES ?? Object.keys(variants).join(',')).split(',');
// In turns, run after run, as floor.mjs's servers: the VM's drift lands on every variant alike.
const measured = await scenariosInTurns(
  names.map((name) => variants[name]),
  child.pid,
  {
    runs: Number(process.env.ROUNDS ?? 2),
    durationSeconds: Number(process.env.SECONDS ?? 6),
    warmSeconds: 1,
  },
);
for (const [i, name] of names.entries()) {
  const { cpuMicrosPerRequest: cpu, runs } = measured[i];
  const answered = runs.map((run) => ((run.ok + run.non2xx) / run.seconds).toFixed(0));
  console.log(
    `${name}: ${cpu.median.toFixed(1)} (${cpu.min.toFixed(1)}–${cpu.max.toFixed(1)}) µs CPU/req, ` +
      `answers/s ${answered.join(', ')}, 2xx ${runs.map((run) => run.ok).join(', ')}`,
  );
}
await stop(child);
