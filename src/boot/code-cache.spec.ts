import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWithCodeCache } from './code-cache';

/** A bundle that requires a file beside it and reports where it runs. */
function bundleSource(value: number): string {
  return `
    const helper = require('./helper');
    function answer() { return ${value}; }
    module.exports = { answer: answer(), helper: helper.name, dir: __dirname, file: __filename };
  `;
}

describe('runWithCodeCache', () => {
  let dir: string;
  let file: string;
  let cacheFile: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'signet-code-cache-'));
    file = join(dir, 'bundle.js');
    cacheFile = `${file}.cache`;
    writeFileSync(join(dir, 'helper.js'), "module.exports = { name: 'helper' };");
    writeFileSync(file, bundleSource(1));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the bundle as a CommonJS module: exports, require beside it, __dirname, __filename', () => {
    const run = runWithCodeCache(file, cacheFile);
    expect(run.exports).toEqual({ answer: 1, helper: 'helper', dir, file });
    expect(run.state).toBe('none');
  });

  it('reads an ASCII bundle as latin1 and any other as UTF-8', () => {
    writeFileSync(file, "module.exports = { ascii: 'caf\\u00e9', utf8: 'café' };");
    expect(runWithCodeCache(file, cacheFile).exports).toEqual({ ascii: 'café', utf8: 'café' });
  });

  it('writes the cache (the bundle hash, then V8 data) and uses it on the next start', () => {
    expect(runWithCodeCache(file, cacheFile).writeCache()).toBe(true);
    const saved = readFileSync(cacheFile);
    const hash = createHash('sha256').update(readFileSync(file)).digest();
    expect(saved.subarray(0, 32).equals(hash)).toBe(true);
    expect(saved.length).toBeGreaterThan(32);

    const second = runWithCodeCache(file, cacheFile);
    expect(second.state).toBe('used');
    expect(second.exports).toEqual({ answer: 1, helper: 'helper', dir, file });
    // A used cache is not written again.
    expect(second.writeCache()).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['bundle.js', 'bundle.js.cache', 'helper.js']);
  });

  it('never runs a rebuilt bundle with the old cache, even one of the same length', () => {
    runWithCodeCache(file, cacheFile).writeCache();
    // Same length: V8 alone would take the old code for it.
    writeFileSync(file, bundleSource(2));
    const rebuilt = runWithCodeCache(file, cacheFile);
    expect(rebuilt.state).toBe('stale');
    expect(rebuilt.exports).toMatchObject({ answer: 2 });
    expect(rebuilt.writeCache()).toBe(true);
    expect(runWithCodeCache(file, cacheFile).state).toBe('used');
  });

  it('runs without the cache when V8 refuses it (damaged data)', () => {
    const hash = createHash('sha256').update(readFileSync(file)).digest();
    writeFileSync(cacheFile, Buffer.concat([hash, Buffer.alloc(4096, 7)]));
    const run = runWithCodeCache(file, cacheFile);
    expect(run.state).toBe('rejected');
    expect(run.exports).toMatchObject({ answer: 1 });
    expect(run.writeCache()).toBe(true);
    expect(runWithCodeCache(file, cacheFile).state).toBe('used');
  });

  it('starts without a cache where it cannot write one, and leaves nothing behind', () => {
    // A directory that does not exist fails for root too, as a read-only one does for others.
    const unwritable = join(dir, 'missing', 'bundle.js.cache');
    const run = runWithCodeCache(file, unwritable);
    expect(run.exports).toMatchObject({ answer: 1 });
    expect(run.writeCache()).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['bundle.js', 'helper.js']);
  });
});
