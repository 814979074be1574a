// Profiling helper, not part of `npm run bench`: TIMES cold starts of the bench build on an
// existing SQLite database (spawn → first guarded 200); PROFILE=1 adds --cpu-prof (/tmp/prof/start).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, pinSelf, spawnPinned, stop, waitFor200 } from './lib/processes.mjs';
import { MAIN_JS, partnerKeyPair, setUp, signetEnv, startSignet } from './lib/signet.mjs';

pinSelf();
const dir = mkdtempSync(join(tmpdir(), 'signet-start-'));
const port = await freePort();
const first = await startSignet(dir, port);
const ctx = await setUp(`http://127.0.0.1:${port}`, await partnerKeyPair());
await stop(first.child);
for (let i = 0; i < Number(process.env.TIMES ?? 1); i += 1) {
  const flags = process.env.PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof/start'] : [];
  const startedAt = process.hrtime.bigint();
  // NODE_FLAGS: extra flags for the server's node.
  const nodeFlags = (process.env.NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawnPinned([...nodeFlags, ...flags, MAIN_JS], {
    env: signetEnv(dir, port),
    cwd: dir,
    logFile: join(dir, 'signet.log'),
  });
  const ms = await waitFor200(`http://127.0.0.1:${port}/pets/${ctx.petId}`, {
    child,
    startedAt,
    headers: { authorization: `Bearer ${ctx.accessToken}` },
  });
  console.log(`cold start ${ms.toFixed(0)} ms`);
  await stop(child);
}
