import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative, resolve } from 'node:path';

/*
 * Signet as real processes, for tests that need several instances, kill -9 or sustained load.
 * The server is built into a directory of its own under node_modules/.cache (./dist belongs to
 * `npm start`), so that packages resolve as they do from ./dist.
 */
const ROOT = resolve(__dirname, '..', '..');

/** `npm run build`'s server steps (nest build with the swagger plugin, then the bundle) into a directory of its own. */
export function buildServer(name: string): { main: string; dir: string } {
  const dir = join(ROOT, 'node_modules', '.cache', `signet-${name}-${process.pid}`);
  const build = join(dir, 'build');
  const main = join(build, 'src', 'start.js');
  mkdirSync(dir, { recursive: true });
  const tsconfig = join(dir, 'tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.build.json'),
      compilerOptions: { outDir: './build', tsBuildInfoFile: './build/tsconfig.tsbuildinfo' },
    }),
  );
  const nest = require.resolve('@nestjs/cli/bin/nest.js');
  const result = spawnSync(process.execPath, [nest, 'build', '-p', relative(ROOT, tsconfig)], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (result.status !== 0) {
    throw new Error(`nest build failed:\n${result.stdout}\n${result.stderr}`);
  }
  // What `npm start` runs: the bundle, through src/start.ts and its code cache.
  const bundle = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bundle-server.js'), build], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (bundle.status !== 0 || !existsSync(main)) {
    throw new Error(`bundle failed:\n${bundle.stdout}\n${bundle.stderr}`);
  }
  return { main, dir };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  return typeof address === 'object' && address ? address.port : 0;
}

export interface SignetProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `node main.js` with `env` and waits (at most 60 s) until /health answers 200. */
export async function startSignet(
  main: string,
  env: Record<string, string>,
): Promise<SignetProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    env: {
      PATH: process.env.PATH ?? '',
      TZ: 'UTC',
      LOG_LEVEL: 'warn',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const closed = new Promise<void>((done) => child.on('close', () => done()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`Signet exited during start-up:\n${output}`);
    }
    const healthy = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) {
      break;
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Signet did not start within 60 s:\n${output}`);
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  return {
    url,
    child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
      }
      await closed;
    },
  };
}

/** One HTTP call to a real Signet process: JSON in (json) and out, bearer token optional. */
export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

export async function call(
  url: string,
  init: RequestInit & { json?: unknown; token?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
  if (init.token) {
    headers.authorization = `Bearer ${init.token}`;
  }
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(url, {
    ...init,
    headers,
    body: init.json === undefined ? init.body : JSON.stringify(init.json),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

/** Fails with the answer unless it has the expected status. */
