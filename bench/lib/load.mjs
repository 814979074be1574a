// Load generation with autocannon (programmatic), and the statistics of repeated runs.
import autocannon from 'autocannon';
import { cpuMicros } from './processes.mjs';

export const CONNECTIONS = 50;

/** One autocannon run; a request pool that runs dry ends the run early (and says so). */
function fire(target) {
  if (target.staggered && target.connections > 1) {
    return fireStaggered(target);
  }
  const { url, connections, durationSeconds, requests, overallRate, headers, onResponse } = target;
  return new Promise((resolve, reject) => {
    let exhausted = false;
    const options = {
      url,
      connections,
      duration: durationSeconds,
      timeout: 10,
      ...(overallRate ? { overallRate } : {}),
      ...(headers ? { headers } : {}),
      ...(requests
        ? { requests: requests.map((template) => wrapPool(template, () => onExhausted())) }
        : {}),
    };
    const instance = autocannon(options, (error, result) => {
      if (error) {
        reject(error);
        return;
      }
      resolve({ ...result, exhausted });
    });
    if (onResponse) {
      instance.on('response', (_client, _status, _bytes, latency) => onResponse(latency));
    }
    function onExhausted() {
      if (!exhausted) {
        exhausted = true;
        // setupRequest also runs while autocannon builds its clients, before `instance` exists.
        setImmediate(() => instance.stop());
      }
    }
  });
}

/** A template with `nextBody()` gets one body per request, e.g. one fresh assertion each. */
function wrapPool(template, onExhausted) {
  if (!template.nextBody) {
    return template;
  }
  const { nextBody, ...rest } = template;
  return {
    ...rest,
    setupRequest: (req) => {
      const body = nextBody();
      if (body === undefined) {
        onExhausted();
        return { ...req, body: '' };
      }
      return { ...req, body };
    },
  };
}

/**
 * A fixed overall rate from several connections, their starts spread over one interval: with
 * `overallRate` alone autocannon starts every connection's timer at once, so 10 connections
 * at 100 req/s send 10 requests together every 100 ms and the p99 measures that burst. Here
 * one request leaves every 1/rate s. Latencies are recorded per response.
 */
async function fireStaggered({ connections, overallRate, durationSeconds, ...rest }) {
  const latencies = [];
  const runs = await Promise.all(
    Array.from({ length: connections }, async (_, i) => {
      await new Promise((resolve) => setTimeout(resolve, (i * 1000) / overallRate));
      return fire({
        ...rest,
        connections: 1,
        overallRate: overallRate / connections,
        durationSeconds,
        onResponse: (latency) => latencies.push(latency),
      });
    }),
  );
  latencies.sort((a, b) => a - b);
  const percentile = (q) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  const sum = (key) => runs.reduce((total, run) => total + run[key], 0);
  return {
    '2xx': sum('2xx'),
    non2xx: sum('non2xx'),
    errors: sum('errors'),
    timeouts: sum('timeouts'),
    statusCodeStats: runs[0].statusCodeStats,
    latency: { p50: percentile(0.5), p99: percentile(0.99) },
    exhausted: runs.some((run) => run.exhausted),
  };
}

/** One unmeasured run of `durationSeconds` (50 connections unless the target says), for the helpers. */
export function loadOnce(target, durationSeconds) {
  return fire({ connections: CONNECTIONS, ...target, durationSeconds });
}

/** A run with the server's CPU time around it. */
async function measuredRun(target, pid) {
  const cpuBefore = cpuMicros(pid);
  const startedAt = process.hrtime.bigint();
  const result = await fire(target);
  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  const cpu = cpuMicros(pid) - cpuBefore;
  const ok = result['2xx'];
  const completed = ok + result.non2xx;
  return {
    statusCodes: result.statusCodeStats,
    rps: ok / seconds,
    cpuMicrosPerRequest: completed > 0 ? cpu / completed : NaN,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    seconds,
    exhausted: result.exhausted,
  };
}

/**
 * Warm-up, then `runs` runs of `durationSeconds` against the server `pid`. Returns each figure
 * as { median, min, max } plus the raw runs.
 */
export async function scenario(target, pid, { runs = 3, durationSeconds = 10, warmSeconds = 2 }) {
  const base = { connections: CONNECTIONS, ...target };
  if (warmSeconds > 0) {
    await fire({ ...base, durationSeconds: warmSeconds });
  }
  const results = [];
  for (let i = 0; i < runs; i += 1) {
    results.push(await measuredRun({ ...base, durationSeconds }, pid));
  }
  return summarise(results);
}

/**
 * Load that is not measured: a server fresh from a cold start compiles its hot paths (V8's
 * JIT) and grows its heap over its first few thousand requests, which would otherwise land
 * in the first scenario measured on it.
 */
export async function settle(targets, secondsEach) {
  for (const target of targets) {
    await fire({ connections: CONNECTIONS, ...target, durationSeconds: secondsEach });
  }
}

/**
 * Targets taking turns, run after run (a, b, c, a, b, c, ...), so slow drift in the servers or
 * the machine lands on all alike: for figures that are a difference or a ratio of them. `pids` is
 * the one server's pid, or one pid per target (Signet and the references it is compared with).
 */
export async function scenariosInTurns(
  targets,
  pids,
  { runs = 3, durationSeconds = 10, warmSeconds = 2 },
) {
  const bases = targets.map((target) => ({ connections: CONNECTIONS, ...target }));
  for (const base of bases) {
    if (warmSeconds > 0) {
      await fire({ ...base, durationSeconds: warmSeconds });
    }
  }
  const results = bases.map(() => []);
  for (let i = 0; i < runs; i += 1) {
    for (const [j, base] of bases.entries()) {
      results[j].push(
        await measuredRun({ ...base, durationSeconds }, Array.isArray(pids) ? pids[j] : pids),
      );
    }
  }
  return results.map((runs) => ({ ...summarise(runs), paired: true }));
}

/** Two targets in turns (scenariosInTurns): `pids` is one pid or [a's, b's]. */
export function pairedScenarios(a, b, pids, settings) {
  return scenariosInTurns([a, b], pids, settings);
}

/**
 * Servers (one pid per target, all on core 0) loaded at the same time, run after run: each run's
 * CPU per request of every one is taken at the same vCPU speed, so their ratios carry none of
 * the drift between runs (target 7's grown server against its empty twin, the same build).
 */
export async function simultaneousScenarios(targets, pids, { runs, durationSeconds, warmSeconds }) {
  const bases = targets.map((target) => ({ connections: CONNECTIONS, ...target }));
  if (warmSeconds > 0) {
    await Promise.all(bases.map((base) => fire({ ...base, durationSeconds: warmSeconds })));
  }
  const results = bases.map(() => []);
  for (let i = 0; i < runs; i += 1) {
    const round = await Promise.all(
      bases.map((base, j) => measuredRun({ ...base, durationSeconds }, pids[j])),
    );
    round.forEach((run, j) => results[j].push(run));
  }
  return results.map((runs) => ({ ...summarise(runs), simultaneous: true }));
}

/** Two loads at once against one server (login flat out beside guarded reads). */
export async function concurrentScenario(main, side, pid, { runs, durationSeconds, warmSeconds }) {
  const results = [];
  const sides = [];
  await Promise.all([
    fire({ connections: CONNECTIONS, ...main, durationSeconds: warmSeconds }),
    fire({ connections: CONNECTIONS, ...side, durationSeconds: warmSeconds }),
  ]);
  for (let i = 0; i < runs; i += 1) {
    const [mainRun, sideRun] = await Promise.all([
      measuredRun({ connections: CONNECTIONS, ...main, durationSeconds }, pid),
      fire({ connections: CONNECTIONS, ...side, durationSeconds }),
    ]);
    results.push(mainRun);
    sides.push({ rps: sideRun['2xx'] / durationSeconds, non2xx: sideRun.non2xx });
  }
  return { main: summarise(results), side: summarise(sides) };
}

export function summarise(results) {
  const summary = { runs: results };
  for (const key of ['rps', 'cpuMicrosPerRequest', 'p50', 'p99']) {
    const values = results.map((r) => r[key]).filter((v) => Number.isFinite(v));
    summary[key] = stats(values);
  }
  summary.non2xx = results.reduce((sum, r) => sum + (r.non2xx ?? 0), 0);
  summary.errors = results.reduce((sum, r) => sum + (r.errors ?? 0), 0);
  summary.exhausted = results.some((r) => r.exhausted);
  return summary;
}

export function stats(values) {
  if (values.length === 0) {
    return { median: NaN, min: NaN, max: NaN };
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}
