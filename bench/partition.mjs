// Diagnostic, not part of `npm run bench` (build first, as profile.mjs says): starts the bench
// build of Signet on core 0 and loads POST /oauth/token requests that stop at different points,
// beside a public GET and an unknown URL, in turns (ROUNDS × SECONDS each), printing CPU µs per
// request. The failing variants answer 4xx, which pino-http logs at warn (a log line each), so
// they bound the steps before them from above. SIGNET_ENV='{"SIGNING_ALG":"ES256"}' swaps the
// RSA signature (~260 µs) for an ECDSA one (~30 µs): what is left is the endpoint's own work.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOnce } from './lib/load.mjs';
import { cpuMicros, freePort, pinSelf, stop } from './lib/processes.mjs';
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
const seconds = Number(process.env.SECONDS ?? 6);
for (let round = 1; round <= Number(process.env.ROUNDS ?? 2); round++) {
  for (const name of (process.env.ROUTES ?? Object.keys(variants).join(',')).split(',')) {
    const target = variants[name];
    await loadOnce(target, 1);
    const before = cpuMicros(child.pid);
    const result = await loadOnce(target, seconds);
    const answered = result['2xx'] + result.non2xx;
    const cpu = (cpuMicros(child.pid) - before) / answered;
    console.log(
      `round ${round} ${name}: ${(answered / seconds).toFixed(0)} req/s, ` +
        `${cpu.toFixed(1)} µs CPU/req, 2xx ${result['2xx']}, non-2xx ${result.non2xx}`,
    );
  }
}
await stop(child);
