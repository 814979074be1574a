// Bundles the compiled server (dist/src/main.js, from `nest build`) into dist/signet.js, which
// dist/src/start.js runs with V8's code cache (src/boot/code-cache.ts). The bundle is made from
// tsc's output, not from src/, so decorator metadata and the Swagger plugin's output are kept.
// An optional argument replaces dist/ (tests and the benchmark build elsewhere).
const { build } = require('esbuild');
const { dirname, join, resolve } = require('node:path');

const root = join(__dirname, '..');
const outDir = resolve(process.argv[2] ?? join(root, 'dist'));

// Stay in node_modules and are required at run time:
const EXTERNAL = [
  // native addons, found through their own directory;
  'argon2',
  'sqlite3',
  // serves its files from its own directory (/docs).
  'swagger-ui-dist',
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

build({
  entryPoints: [join(outDir, 'src', 'main.js')],
  outfile: join(outDir, 'signet.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Nest and TypeORM read class names (providers, entities, migrations).
  keepNames: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  // The Swagger plugin repeats an `enum` the DTO's own @ApiProperty already gives.
  logOverride: { 'duplicate-object-key': 'silent' },
  external: EXTERNAL,
  plugins: [optionalPackages],
  absWorkingDir: dirname(outDir),
}).catch((error) => {
  console.error(error);
  process.exit(1);
});
