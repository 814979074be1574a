// Diagnostic, not part of `npm run bench`: what limits target 2 (client_secret_basic RS256 tokens
// per core, Signet against oidc-provider). Build first (see together.mjs). Three servers on core
// 0 take turns, as in npm run bench, ROUNDS (3) runs of SECONDS (10) each after SETTLE (8) s each:
// Signet's POST /oauth/token, oidc-provider's, and the floor (references/token-floor.mjs: bare
// Fastify that signs the same token in place, with nothing else). It prints each one's CPU µs
// and tokens/s, the RSA-2048 signature's own cost on core 0 (node:crypto in a loop), and so each
// server's work besides the signature, and the CPU per token Signet would need for the target.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { scenariosInTurns, settle } from './lib/load.mjs';
import { OIDC_BASIC, startSignetBesideOidcProvider } from './lib/oidc-provider.mjs';
import { coldStart, freePort, killAll, pinSelf, SERVER_CORE, stop } from './lib/processes.mjs';
import * as signet from './lib/signet.mjs';

const seconds = Number(process.env.SECONDS ?? 10);
const rounds = Number(process.env.ROUNDS ?? 3);
const TARGET = 1.3;

/** µs per RSA-2048 PKCS#1 v1.5 signature of a token-sized input, node:crypto on core 0. */
function signatureMicros() {
  const code = `
    const { generateKeyPairSync, sign } = require('node:crypto');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const data = Buffer.alloc(620, 97);
    for (let i = 0; i < 300; i += 1) sign('sha256', data, privateKey);
    const started = process.hrtime.bigint();
    for (let i = 0; i < 3000; i += 1) sign('sha256', data, privateKey);
    console.log(Number(process.hrtime.bigint() - started) / 1e3 / 3000);`;
  const out = execFileSync('taskset', ['-c', SERVER_CORE, process.execPath, '-e', code]);
  return Number(out.toString().trim());
}

const fmt = (n) => n.toFixed(1).padStart(7);

process.on('exit', killAll);
pinSelf();
const { dir, base, server, ctx, oidc } = await startSignetBesideOidcProvider('signet-floor-');
const floorPort = await freePort();
const { child: floor } = await coldStart(
  [join(signet.ROOT, 'bench', 'references', 'token-floor.mjs')],
  `http://127.0.0.1:${floorPort}/health`,
  { env: { PORT: String(floorPort) }, logFile: join(dir, 'floor.log') },
);

const servers = [
  ['Signet', server.pid, signet.basicTokenTarget(`${base}/oauth/token`, ctx.basic)],
  ['oidc-provider', oidc.child.pid, signet.basicTokenTarget(`${oidc.base}/token`, OIDC_BASIC)],
  [
    'floor (bare Fastify)',
    floor.pid,
    signet.basicTokenTarget(`http://127.0.0.1:${floorPort}/oauth/token`, 'floor-client:x'),
  ],
];
// Every server compiles its hot paths first: a fresh Signet's first 4 s of tokens cost ~1.5×
// the later ones. SETTLE (8) s each.
await settle(
  servers.map(([, , target]) => target),
  Number(process.env.SETTLE ?? 8),
);
// The three take turns, run after run, so the VM's drift lands on all of them alike.
const measured = await scenariosInTurns(
  servers.map(([, , target]) => target),
  servers.map(([, pid]) => pid),
  { runs: rounds, durationSeconds: seconds, warmSeconds: 0 },
);
for (const [i, [name]] of servers.entries()) {
  if (measured[i].non2xx > 0 || measured[i].errors > 0) {
    throw new Error(`${name}: ${measured[i].non2xx} non-2xx answers, ${measured[i].errors} errors`);
  }
}
const signature = signatureMicros();
for (const child of [server, oidc.child, floor]) {
  await stop(child);
}

const figures = measured.map((summary) => ({
  cpu: summary.cpuMicrosPerRequest.median,
  rate: summary.rps.median,
}));
console.log(`RSA-2048 signature, node:crypto on core ${SERVER_CORE}: ${signature.toFixed(1)} µs`);
console.log('server                  tokens/s   CPU µs/token   besides the signature');
for (const [i, [name]] of servers.entries()) {
  const { cpu, rate } = figures[i];
  console.log(
    `${name.padEnd(22)} ${rate.toFixed(0).padStart(8)}   ${fmt(cpu)}        ${fmt(cpu - signature)}`,
  );
}
const [signetCpu, oidcCpu, floorCpu] = figures.map(({ cpu }) => cpu);
console.log(
  `per core vs oidc-provider: Signet ${(oidcCpu / signetCpu).toFixed(2)}×, ` +
    `the floor ${(oidcCpu / floorCpu).toFixed(2)}×; target ${TARGET}×`,
);
console.log(
  `for ${TARGET}×, Signet may spend ${(oidcCpu / TARGET).toFixed(0)} µs per token: ` +
    `${(oidcCpu / TARGET - floorCpu).toFixed(0)} µs over the floor, against ` +
    `${(signetCpu - floorCpu).toFixed(0)} µs now`,
);
