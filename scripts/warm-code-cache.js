// Writes the code cache beside the bundle (dist/signet.js.cache, see src/boot/code-cache.ts) by
// starting the built server once on a throwaway SQLite database in a temporary directory, then
// stopping it. For images whose dist/ the server may not write (Dockerfile); elsewhere the first
// start writes the cache itself. An optional argument replaces dist/.
const { spawn } = require('node:child_process');
const { existsSync, mkdtempSync, rmSync, unlinkSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');

const dist = resolve(process.argv[2] ?? join(__dirname, '..', 'dist'));
const cacheFile = join(dist, 'signet.js.cache');
const TIMEOUT_MS = 60_000;

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer().once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'signet-warm-'));
  if (existsSync(cacheFile)) {
    unlinkSync(cacheFile);
  }
  const child = spawn(process.execPath, [join(dist, 'src', 'start.js')], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((done) => child.once('exit', done));
  const deadline = Date.now() + TIMEOUT_MS;
  while (!existsSync(cacheFile) && child.exitCode === null && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 100));
  }
  child.kill('SIGTERM');
  await exited;
  rmSync(dir, { recursive: true, force: true });
  if (!existsSync(cacheFile)) {
    process.stderr.write(`No code cache was written.\n${stderr}`);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
