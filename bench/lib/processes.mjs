// Child processes of the benchmark: pinned, tracked, and always killed.
import { execFileSync, spawn } from 'node:child_process';
import { openSync, readFileSync, closeSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';

export const SERVER_CORE = '0';
export const LOAD_CORE = '1';
export const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

const children = new Set();

/** Pins this process (the load generator) to the other core than the servers. */
export function pinSelf() {
  execFileSync('taskset', ['-cp', LOAD_CORE, String(process.pid)], { stdio: 'ignore' });
}

/**
 * Starts `node <args>` pinned to one core, in its own process group. taskset execs node, so
 * the pid is node's own and /proc/<pid>/stat counts the server's CPU time.
 */
export function spawnPinned(args, { env = {}, cwd, logFile, core = SERVER_CORE } = {}) {
  const out = logFile ? openSync(logFile, 'a') : 'ignore';
  const child = spawn('taskset', ['-c', core, process.execPath, ...args], {
    cwd,
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', out, out],
    detached: true,
  });
  if (typeof out === 'number') {
    closeSync(out);
  }
  children.add(child);
  child.exitPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  return child;
}

/** Ends a child (and its group) and waits for it, SIGKILL after two seconds. */
export async function stop(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  signalGroup(child, 'SIGTERM');
  const killer = setTimeout(() => signalGroup(child, 'SIGKILL'), 2000);
  await child.exitPromise;
  clearTimeout(killer);
}

function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Synchronous, for exit handlers: every process this benchmark started. */
export function killAll() {
  for (const child of children) {
    signalGroup(child, 'SIGKILL');
  }
}

/** utime + stime of a process, in microseconds. */
export function cpuMicros(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of proc(5); the slice starts at field 3.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks / CLOCK_TICKS) * 1e6;
}

export function rssMegabytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kilobytes / 1024;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** One HTTP request on loopback: { status, body }; never throws on a refused connection. */
export function httpRequest(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve) => {
    const req = request(url, { method, headers, timeout: 5000 }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) => resolve({ status: 0, body: error.message }));
    req.end(body);
  });
}

/**
 * Polls `url` every 5 ms until it answers 200, at most `timeoutMs`; returns the milliseconds
 * since `startedAt` (high-resolution), or throws with the child's fate.
 */
export async function waitFor200(url, { child, startedAt, headers, timeoutMs = 60_000 }) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) {
      throw new Error(`${url}: the server exited with code ${child.exitCode} before answering`);
    }
    const { status } = await httpRequest(url, { headers });
    if (status === 200) {
      return Number(process.hrtime.bigint() - startedAt) / 1e6;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`${url}: no 200 within ${timeoutMs} ms`);
}

/** Spawn → first 200 on `url`: the cold-start measurement; returns { child, ms }. */
export async function coldStart(args, url, options = {}) {
  const startedAt = process.hrtime.bigint();
  const child = spawnPinned(args, options);
  const ms = await waitFor200(url, { child, startedAt, headers: options.headers });
  return { child, ms };
}
