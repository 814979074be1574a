// Targets 1–7 of issue 6: each figure, its reference beside it, PASS or FALLS SHORT; where a
// ratio's run pairs disagree with each other, the verdict says so.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stats } from './load.mjs';

const n0 = (v) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : 'n/a');
const n1 = (v) => (Number.isFinite(v) ? v.toFixed(1) : 'n/a');

/** "median (min–max)" of a stats triple. */
function range(s, format = n0) {
  if (!s) {
    return 'n/a';
  }
  return `${format(s.median)} (${format(s.min)}–${format(s.max)})`;
}

function verdict(ok) {
  if (ok === undefined) {
    return 'n/a';
  }
  return ok ? 'PASS' : 'FALLS SHORT';
}

const med = (s, key) => s?.[key]?.median ?? NaN;

/**
 * Per-run figures of two scenarios measured in turns (run i of a beside run i of b), combined
 * by `f`; empty when they were not measured in turns.
 */
function pairwise(a, b, f) {
  const [x, y] = [a?.runs ?? [], b?.runs ?? []];
  if (!a?.paired || x.length === 0 || x.length !== y.length) {
    return [];
  }
  return x.map((run, i) => f(run, y[i]));
}

/**
 * A verdict, and whether the run pairs behind it disagree: on this VM one pair can land on a
 * slow minute, so a median that sits on one side while single pairs sit on both says more
 * about the machine than about the build.
 */
function verdictOfPairs(ok, values, passes) {
  const base = verdict(ok);
  if (values.length < 2 || !values.some(passes) || values.every(passes)) {
    return base;
  }
  return `${base} (pairs on both sides)`;
}

const pairRange = (values, format) =>
  values.length < 2
    ? ''
    : `; per run pair ${format(Math.min(...values))}–${format(Math.max(...values))}`;
const times = (v) => `${v.toFixed(2)}×`;
const cpuDifference = (a, b) => a.cpuMicrosPerRequest - b.cpuMicrosPerRequest;

/**
 * Guard cost: CPU µs per request guarded minus the same handler public. Runs measured in
 * alternation (same count) give the median of the pairwise differences; otherwise the
 * difference of the medians.
 */
function guardCost(guarded, open) {
  const differences = pairwise(guarded, open, cpuDifference).sort((x, y) => x - y);
  if (differences.length > 0) {
    return differences[Math.floor(differences.length / 2)];
  }
  return med(guarded, 'cpuMicrosPerRequest') - med(open, 'cpuMicrosPerRequest');
}

export function evaluate(r) {
  const rows = [];
  const add = (target, figure, value, reference, ok, pairs = [], passes = () => true) =>
    rows.push({ target, figure, value, reference, verdict: verdictOfPairs(ok, pairs, passes) });
  const s = r.scenarios;

  const cost = guardCost(s.signetGuarded, s.signetPublic);
  const joseCost = guardCost(s.joseGuarded, s.josePublic);
  const recipeCost = guardCost(s.recipeGuarded, s.recipePublic);
  const costs = pairwise(s.signetGuarded, s.signetPublic, cpuDifference);
  const costCap = Math.min(40, joseCost / 2, recipeCost / 7);
  add(
    '1',
    'guard CPU µs/req (guarded − public)',
    n1(cost),
    `jose ${n1(joseCost)} (½ = ${n1(joseCost / 2)}), recipe ${n1(recipeCost)} (⅐ = ${n1(recipeCost / 7)}), cap 40${pairRange(costs, n1)}`,
    cost <= 40 && cost < joseCost / 2 && cost <= recipeCost / 7,
    costs,
    (c) => c <= costCap,
  );
  add(
    '1',
    'CPU µs/req guarded | public',
    `${range(s.signetGuarded?.cpuMicrosPerRequest, n1)} | ${range(s.signetPublic?.cpuMicrosPerRequest, n1)}`,
    `jose ${n1(med(s.joseGuarded, 'cpuMicrosPerRequest'))} | ${n1(med(s.josePublic, 'cpuMicrosPerRequest'))}; recipe ${n1(med(s.recipeGuarded, 'cpuMicrosPerRequest'))} | ${n1(med(s.recipePublic, 'cpuMicrosPerRequest'))}`,
  );
  const guardedRps = med(s.signetGuarded, 'rps');
  const rpsRatios = (a, b) => pairwise(a, b, (x, y) => x.rps / y.rps);
  const guardedShares = rpsRatios(s.signetGuarded, s.signetPublic);
  add(
    '1',
    'guarded GET /pets/{id} req/s',
    range(s.signetGuarded?.rps),
    `public ${n0(med(s.signetPublic, 'rps'))} (×0.8 = ${n0(0.8 * med(s.signetPublic, 'rps'))}), recipe ${n0(med(s.recipeGuarded, 'rps'))} (×2 = ${n0(2 * med(s.recipeGuarded, 'rps'))}), jose ${n0(med(s.joseGuarded, 'rps'))}${pairRange(guardedShares, times)}`,
    guardedRps >= 0.8 * med(s.signetPublic, 'rps') && guardedRps >= 2 * med(s.recipeGuarded, 'rps'),
    guardedShares,
    (ratio) => ratio >= 0.8,
  );

  const basic = med(s.signetBasic, 'rps');
  const basicRatios = rpsRatios(s.signetBasic, s.oidcBasic);
  add(
    '2',
    'client_secret_basic RS256 tokens/s',
    range(s.signetBasic?.rps),
    `oidc-provider ${range(s.oidcBasic?.rps)} (×1.3 = ${n0(1.3 * med(s.oidcBasic, 'rps'))})${pairRange(basicRatios, times)}`,
    basic >= 1.3 * med(s.oidcBasic, 'rps'),
    basicRatios,
    (ratio) => ratio >= 1.3,
  );
  add(
    '2',
    'client_secret_basic ES256 tokens/s',
    range(s.signetBasicEs256?.rps),
    '4,000',
    med(s.signetBasicEs256, 'rps') >= 4000,
  );

  const pkj = med(s.signetPrivateKeyJwt, 'rps');
  const pkjRatios = rpsRatios(s.signetPrivateKeyJwt, s.oidcPrivateKeyJwt);
  add(
    '3',
    'private_key_jwt PS256 tokens/s',
    range(s.signetPrivateKeyJwt?.rps),
    `oidc-provider ${range(s.oidcPrivateKeyJwt?.rps)} (×1.2 = ${n0(1.2 * med(s.oidcPrivateKeyJwt, 'rps'))})${pairRange(pkjRatios, times)}`,
    pkj >= 1.2 * med(s.oidcPrivateKeyJwt, 'rps'),
    pkjRatios,
    (ratio) => ratio >= 1.2,
  );

  const quiet = med(s.guardedSteady, 'p99');
  const busy = med(s.guardedBesideLogins?.main, 'p99');
  add(
    '4',
    'logins/s (argon2id, flat out)',
    range(s.guardedBesideLogins?.side?.rps, n1),
    'reported',
  );
  add(
    '4',
    `guarded p99 ms at ${r.settings.steadyRate} req/s beside logins`,
    range(s.guardedBesideLogins?.main?.p99, n1),
    `without logins ${range(s.guardedSteady?.p99, n1)} (×2 = ${n1(2 * quiet)})`,
    busy < 2 * quiet,
  );

  const cold = r.coldStart;
  add(
    '5',
    'cold start ms, existing SQLite, guarded 200',
    range(cold?.signetExisting, n0),
    `minimal Nest ${range(cold?.nestMinimal, n0)} (×1.3 = ${n0(1.3 * (cold?.nestMinimal?.median ?? NaN))})`,
    cold?.signetExisting?.median <= 1.3 * cold?.nestMinimal?.median,
  );
  add(
    '5',
    'first start ms, empty database, keys included',
    range(cold?.signetEmpty, n0),
    'reported',
  );

  add(
    '6',
    'GET /.well-known/jwks.json req/s',
    range(s.signetJwks?.rps),
    `public ${n0(med(s.signetPublic, 'rps'))} (×0.9 = ${n0(0.9 * med(s.signetPublic, 'rps'))})`,
    med(s.signetJwks, 'rps') >= 0.9 * med(s.signetPublic, 'rps'),
  );

  // Target 7's tokens and reads: the grown server against the same build on an empty database
  // (the twin), both loaded at once; per run, the twin's CPU per request over the grown one's is
  // the grown server's requests/s per core as a fraction of the twin's.
  for (const [route, figure] of [
    ['Guarded', 'guarded reads'],
    ['Basic', 'client_secret_basic tokens'],
    ['PrivateKeyJwt', 'private_key_jwt tokens'],
  ]) {
    const [grown, twin] = [s[`grown${route}`], s[`twin${route}`]];
    const ratios = (grown?.runs ?? []).map(
      (run, i) => twin.runs[i].cpuMicrosPerRequest / run.cpuMicrosPerRequest,
    );
    const ratio = stats(ratios);
    add(
      '7',
      `grown: ${figure}/s per core ÷ empty database's, loaded at once`,
      ratios.length > 0
        ? `${ratio.median.toFixed(2)} (${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)})`
        : 'n/a',
      `0.9; CPU µs/req ${n1(med(grown, 'cpuMicrosPerRequest'))} | ${n1(med(twin, 'cpuMicrosPerRequest'))}`,
      ratio.median >= 0.9,
    );
  }
  add(
    '7',
    `GET /pets?limit=50&offset=99950 p99 ms at ${r.settings.pageRate} req/s, evenly spread`,
    range(s.grownPetsPage?.p99, n1),
    `20; bare node:http route, same load: ${n1(s.josePublicSpread?.p99.median)}`,
    med(s.grownPetsPage, 'p99') < 20,
  );
  add(
    '7',
    'Signet RSS MB after the whole benchmark',
    n1(r.rssMegabytes),
    '250',
    r.rssMegabytes < 250,
  );
  return rows;
}

export function printTable(rows) {
  const header = ['target', 'figure', 'Signet: median (min–max)', 'reference', 'verdict'];
  // A pipe inside a cell ("guarded | public") is escaped, so the table pastes into Markdown.
  const cells = rows.map((r) =>
    [r.target, r.figure, r.value, r.reference, r.verdict].map((v) =>
      String(v).replaceAll('|', '\\|'),
    ),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => String(c[i]).length)));
  const line = (c) => `| ${c.map((v, i) => String(v).padEnd(widths[i])).join(' | ')} |`;
  const lines = [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`];
  lines.push(...cells.map(line));
  return lines.join('\n');
}

export function cryptoTable(limit) {
  if (!limit) {
    return 'crypto limit: n/a';
  }
  const lines = ['| alg | jose sign/s | jose verify/s |', '| --- | --- | --- |'];
  for (const [alg, v] of Object.entries(limit)) {
    lines.push(`| ${alg} | ${n0(v.signPerSecond)} | ${n0(v.verifyPerSecond)} |`);
  }
  return lines.join('\n');
}

/** bench/results/<date>.json, formatted as `npm run lint` (prettier) expects. */
export function writeResults(root, results) {
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${new Date().toISOString().slice(0, 10)}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  try {
    execFileSync(join(root, 'node_modules', '.bin', 'prettier'), ['--write', file], {
      stdio: 'ignore',
      timeout: 30_000,
    });
  } catch {
    // formatting is a courtesy; the figures are written either way
  }
  return file;
}
