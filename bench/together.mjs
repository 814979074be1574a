// Diagnostic helper, not part of `npm run bench`: targets 2 and 3 with Signet and oidc-provider
// loaded at the same time, both on core 0 (build first: npx nest build --path
// bench/tsconfig.build.json, then node scripts/bundle-server.js bench/dist). Each run loads both
// token endpoints at once (50 connections each) for SECONDS (10); the figure is each server's
// CPU µs per token, so the ratio is tokens/s per core. In alternating runs (npm run bench) this
// VM's vCPU speed drifts between one run and the next; here both servers see the same speed, so
// the ratio per run is steadier. ROUTES (basic,pkj), ROUNDS (5), SETTLE (8 s per server alone
// first); ASSERTIONS per server, by default enough for the rate basic reached (1,000/s without it).
import { settle, simultaneousScenarios, stats } from './lib/load.mjs';
import {
  OIDC_BASIC,
  OIDC_PARTNER_CLIENT_ID,
  startSignetBesideOidcProvider,
} from './lib/oidc-provider.mjs';
import { pinSelf, stop } from './lib/processes.mjs';
import * as signet from './lib/signet.mjs';

const seconds = Number(process.env.SECONDS ?? 10);
const rounds = Number(process.env.ROUNDS ?? 5);
const wanted = { basic: 1.3, pkj: 1.2 };

pinSelf();
const { base, server, ctx, oidc, partner } =
  await startSignetBesideOidcProvider('signet-together-');
const pids = [server.pid, oidc.child.pid];
const routes = (process.env.ROUTES ?? 'basic,pkj').split(',');
let fastest = 1_000;
const basicTargets = [
  signet.basicTokenTarget(`${base}/oauth/token`, ctx.basic),
  signet.basicTokenTarget(`${oidc.base}/token`, OIDC_BASIC),
];
// A fresh server's JIT takes seconds to settle (Signet's first 4 s of tokens cost ~1.5× the
// later ones): each server alone, SETTLE (8) s, before anything is measured.
await settle(basicTargets, Number(process.env.SETTLE ?? 8));

for (const route of routes) {
  let targets;
  if (route === 'basic') {
    targets = basicTargets;
  } else {
    const pools = [
      [`${base}/oauth/token`, ctx.partnerClientId],
      [`${oidc.base}/token`, OIDC_PARTNER_CLIENT_ID],
    ];
    targets = [];
    for (const [url, clientId] of pools) {
      const count = Number(
        process.env.ASSERTIONS ?? Math.ceil(fastest * 1.3 * (3 + rounds * seconds)),
      );
      const assertions = await signet.signPartnerAssertions(
        url,
        clientId,
        partner.privateJwk,
        count,
      );
      targets.push({ url, requests: signet.partnerAssertionRequests(assertions) });
    }
  }
  const [signetRuns, oidcRuns] = await simultaneousScenarios(targets, pids, {
    runs: rounds,
    durationSeconds: seconds,
    warmSeconds: 3,
  });
  for (const [i, summary] of [signetRuns, oidcRuns].entries()) {
    if (summary.non2xx > 0 || summary.exhausted) {
      throw new Error(
        `${targets[i].url}: ${summary.exhausted ? 'the assertions ran out (set ASSERTIONS)' : `${summary.non2xx} non-2xx answers`}`,
      );
    }
  }
  if (route === 'basic') {
    fastest = Math.max(fastest, signetRuns.rps.max, oidcRuns.rps.max);
  }
  const ratios = signetRuns.runs.map((signetRun, round) => {
    const [signetCpu, oidcCpu] = [
      signetRun.cpuMicrosPerRequest,
      oidcRuns.runs[round].cpuMicrosPerRequest,
    ];
    console.log(
      `${route} run ${round + 1}: Signet ${signetCpu.toFixed(0)} µs/token, oidc-provider ${oidcCpu.toFixed(0)} µs/token, ratio ${(oidcCpu / signetCpu).toFixed(3)}`,
    );
    return oidcCpu / signetCpu;
  });
  const s = stats(ratios);
  console.log(
    `${route}: tokens/s per core, Signet ÷ oidc-provider: median ${s.median.toFixed(3)} (${s.min.toFixed(3)}–${s.max.toFixed(3)}); target ${wanted[route] ?? 'n/a'}`,
  );
}
await stop(server);
await stop(oidc.child);
