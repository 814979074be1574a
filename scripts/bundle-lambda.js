// Bundles what runs outside the server into single files with no node_modules:
//   dist/lambda/authorizer.js  the API Gateway TOKEN authorizer (exports handler)
//   dist/verifier/cli.js       the verifier CLI behind `npm run verify`
// `nest build` compiles src/ into dist/src/ and empties dist/ first, so this runs after it.
// An optional argument replaces dist/ as the output directory (tests bundle into a temp dir).
const { build } = require('esbuild');
const { join, resolve } = require('node:path');

const root = join(__dirname, '..');
const outDir = resolve(process.argv[2] ?? join(root, 'dist'));
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: root,
};

async function main() {
  await build({
    ...common,
    entryPoints: ['src/lambda/authorizer.ts'],
    outfile: join(outDir, 'lambda', 'authorizer.js'),
  });
  await build({
    ...common,
    stdin: {
      contents:
        "require('./cli').main(process.argv.slice(2)).then((code) => { process.exitCode = code; });",
      resolveDir: join(root, 'src', 'verifier'),
      sourcefile: 'cli-main.ts',
      loader: 'ts',
    },
    outfile: join(outDir, 'verifier', 'cli.js'),
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
