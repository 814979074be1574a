import { parseArgs } from 'node:util';
import {
  generateClientKey,
  PARTNER_ALGORITHMS,
  PartnerAlgorithm,
  signClientAssertion,
  writePrivateKey,
} from './client-key';

const USAGE = `Usage:
  npm run cli -- client-key generate --alg PS256 [--out client-key.pem]
      Writes a passphrase-encrypted PKCS#8 private key (mode 0600) and prints the
      public JWK Set to register as "jwks" or to publish at your jwks_uri.
  npm run cli -- client-key assertion --key client-key.pem --client-id ID --audience URL [--alg PS256]
      Prints a client assertion (RFC 7523) valid for 60 seconds.
The passphrase is read from the environment variable CLIENT_KEY_PASSPHRASE.`;

class UsageError extends Error {}

function passphrase(): string {
  const value = process.env.CLIENT_KEY_PASSPHRASE;
  if (!value || value.length < 8) {
    throw new UsageError('Set CLIENT_KEY_PASSPHRASE to a passphrase of at least 8 characters');
  }
  return value;
}

function algorithm(value: string | undefined): PartnerAlgorithm {
  const alg = value ?? 'PS256';
  if (!(PARTNER_ALGORITHMS as readonly string[]).includes(alg)) {
    throw new UsageError(`--alg must be one of ${PARTNER_ALGORITHMS.join(', ')}`);
  }
  return alg as PartnerAlgorithm;
}

async function run(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      alg: { type: 'string' },
      out: { type: 'string' },
      key: { type: 'string' },
      'client-id': { type: 'string' },
      audience: { type: 'string' },
      kid: { type: 'string' },
    },
  });
  const [noun, verb] = positionals;
  if (noun === 'client-key' && verb === 'generate') {
    const out = values.out ?? 'client-key.pem';
    const { encryptedPem, publicJwk } = await generateClientKey(
      algorithm(values.alg),
      passphrase(),
    );
    writePrivateKey(out, encryptedPem);
    process.stderr.write(
      `Private key written to ${out} (encrypted; keep it and the passphrase secret)\n`,
    );
    process.stdout.write(`${JSON.stringify({ keys: [publicJwk] }, null, 2)}\n`);
    return;
  }
  if (noun === 'client-key' && verb === 'assertion') {
    if (!values.key || !values['client-id'] || !values.audience) {
      throw new UsageError('assertion needs --key, --client-id and --audience');
    }
    const assertion = await signClientAssertion({
      keyFile: values.key,
      passphrase: passphrase(),
      clientId: values['client-id'],
      audience: values.audience,
      alg: algorithm(values.alg),
      kid: values.kid,
    });
    process.stdout.write(`${assertion}\n`);
    return;
  }
  throw new UsageError(USAGE);
}

run(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${message}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
