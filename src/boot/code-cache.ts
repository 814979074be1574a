import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import { dirname } from 'node:path';
import { Script, constants } from 'node:vm';

/** What became of the cache file when the bundle was compiled. */
export type CodeCacheState = 'used' | 'none' | 'stale' | 'rejected';

export interface CachedModule {
  /** The bundle's `module.exports`. */
  exports: unknown;
  state: CodeCacheState;
  /**
   * Writes V8's code for everything compiled so far (start-up included) to the cache file,
   * unless the cache was used. Best effort: a read-only directory only means no cache.
   */
  writeCache(): boolean;
}

const HASH_BYTES = 32;

/**
 * Runs a CommonJS bundle the way `require` would, but compiled with V8's code cache, the job
 * Node 22's `module.enableCompileCache()` does (Node 20 has no such switch).
 *
 * The cache file holds the SHA-256 of the bundle followed by V8's cached data. V8 checks its
 * own version and flags but identifies the source only by its length, so the hash is what
 * keeps a rebuilt bundle from running with code compiled from the old one.
 */
export function runWithCodeCache(file: string, cacheFile: string): CachedModule {
  const bytes = readFileSync(file);
  const hash = createHash('sha256').update(bytes).digest();
  const saved = readCache(cacheFile);
  const matches = saved !== undefined && saved.subarray(0, HASH_BYTES).equals(hash);
  // scripts/bundle-server.js writes ASCII: read as latin1, it is a one-byte string, with no
  // UTF-8 decoding (any other file is decoded as UTF-8).
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const script = new Script(wrap(source), {
    filename: file,
    cachedData: matches ? saved.subarray(HASH_BYTES) : undefined,
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  let state: CodeCacheState = 'none';
  if (saved !== undefined) {
    state = !matches ? 'stale' : script.cachedDataRejected ? 'rejected' : 'used';
  }
  const module = { exports: {} as unknown, filename: file };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return {
    exports: module.exports,
    state,
    writeCache: () => state !== 'used' && writeCache(cacheFile, hash, script),
  };
}

function readCache(cacheFile: string): Buffer | undefined {
  try {
    const data = readFileSync(cacheFile);
    return data.length > HASH_BYTES ? data : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(cacheFile: string, hash: Buffer, script: Script): boolean {
  // Written aside and renamed: instances starting together never read half a file.
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, Buffer.concat([hash, script.createCachedData()]));
    renameSync(temporary, cacheFile);
    return true;
  } catch {
    try {
      unlinkSync(temporary);
    } catch {
      // Nothing was written.
    }
    return false;
  }
}
