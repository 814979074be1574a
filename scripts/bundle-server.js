// Bundles the compiled server (dist/src/main.js, from `nest build`) into dist/signet.js, which
// dist/src/start.js runs with V8's code cache (src/boot/code-cache.ts). The bundle is made from
// tsc's output, not from src/, so decorator metadata and the Swagger plugin's output are kept.
// An optional argument replaces dist/ (tests and the benchmark build elsewhere).
const { build } = require('esbuild');
const { readFileSync, writeFileSync } = require('node:fs');
const { dirname, join, resolve } = require('node:path');

const root = join(__dirname, '..');
const outDir = resolve(process.argv[2] ?? join(root, 'dist'));

// Stay in node_modules and are required at run time:
const EXTERNAL = [
  // native addons, found through their own directory;
  'argon2',
  'sqlite3',
  // serves its files from its own directory (/docs);
  'swagger-ui-dist',
  // loaded only when configured or used (relay brokers, the shared rate limit, PKCS#12 import):
  // kept out of the source every start reads (~2 MB);
  'kafkajs',
  'nats',
  'ioredis',
  '@nest-lab/throttler-storage-redis',
  'pkijs',
  // not installed in production (npm prune --omit=dev): libraries look for some of them
  // (@nestjs/platform-express and its body parsers) and do without, as they would unbundled.
  ...Object.keys(require('../package.json').devDependencies),
];

/**
 * Optional packages that libraries require inside try/catch (Nest's microservices and
 * websockets, TypeORM's other drivers, pg-native): left as run-time requires that fail as
 * they would without a bundle, instead of failing the build.
 */
const optionalPackages = {
  name: 'optional-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind !== 'require-call' && args.kind !== 'import-statement') {
        return undefined;
      }
      try {
        require.resolve(args.path, { paths: [args.resolveDir] });
        return undefined;
      } catch {
        return { path: args.path, external: true };
      }
    });
  },
};

/**
 * esbuild writes strings, templates and identifiers as ASCII, but leaves non-ASCII characters in
 * regular expression literals (validator's alphabets) and comments. Escaped there too, the
 * bundle is ASCII, so start-up reads it as latin1 into a one-byte string: half the memory of the
 * two-byte string one such character makes, and no UTF-8 decoding (~90 ms for 14 MB here).
 * `\uXXXX` means the same character in a regular expression, with or without the u flag
 * (astral characters as a surrogate pair), and nothing in a comment.
 */
function escapeNonAscii(source) {
  return source.replace(/(\\*)([^\0-\x7f])/gu, (match, backslashes, character) => {
    // `\é` (an identity escape) would become `\\u00e9`, and an escaped line separator would no
    // longer end a // comment: neither is in any bundled package, and the build says so if one is.
    if (backslashes.length % 2 === 1 || character === '\u2028' || character === '\u2029') {
      throw new Error(`non-ASCII character the bundle cannot escape: ${JSON.stringify(match)}`);
    }
    let escaped = '';
    for (let i = 0; i < character.length; i += 1) {
      escaped += `\\u${character.charCodeAt(i).toString(16).padStart(4, '0')}`;
    }
    return backslashes + escaped;
  });
}

const outfile = join(outDir, 'signet.js');
build({
  entryPoints: [join(outDir, 'src', 'main.js')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // No keepNames: it wraps every function in __name(), closures made per request included, and
  // cost ~60 % more CPU per guarded request (205 → 343 µs here). Nest and TypeORM read class
  // names (providers, entities, migrations): tsc's CommonJS modules keep theirs, since esbuild
  // renames only inside the ES modules it hoists into one scope (rxjs, jose, ...), and
  // test/startup.e2e-spec checks the migration names the bundle records.
  keepNames: false,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  // The Swagger plugin repeats an `enum` the DTO's own @ApiProperty already gives.
  logOverride: { 'duplicate-object-key': 'silent' },
  external: EXTERNAL,
  plugins: [optionalPackages],
  absWorkingDir: dirname(outDir),
})
  .then(() => writeFileSync(outfile, escapeNonAscii(readFileSync(outfile, 'utf8')), 'latin1'))
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
