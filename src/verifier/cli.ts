import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  createJwksVerifier,
  createX5cVerifier,
  describeRejection,
  parseTrustAnchors,
  TokenVerifier,
} from './index';

const USAGE = `Usage:
  npm run verify -- --token T --issuer I --audience A (--jwks-uri U | --trust-anchors FILE)
Prints the token's claims as JSON and exits 0, or prints why it was refused and exits 1.`;

class UsageError extends Error {}

interface Arguments {
  token: string;
  issuer: string;
  audience: string;
  jwksUri?: string;
  trustAnchors?: string;
}

function parse(argv: string[]): Arguments {
  const { values } = parseArgs({
    args: argv,
    options: {
      token: { type: 'string' },
      issuer: { type: 'string' },
      audience: { type: 'string' },
      'jwks-uri': { type: 'string' },
      'trust-anchors': { type: 'string' },
    },
  });
  const { token, issuer, audience } = values;
  if (!token || !issuer || !audience) {
    throw new UsageError('--token, --issuer and --audience are required');
  }
  if ((values['jwks-uri'] === undefined) === (values['trust-anchors'] === undefined)) {
    throw new UsageError('give exactly one of --jwks-uri and --trust-anchors');
  }
  return {
    token,
    issuer,
    audience,
    jwksUri: values['jwks-uri'],
    trustAnchors: values['trust-anchors'],
  };
}

function verifierFor(args: Arguments): TokenVerifier {
  const common = { issuer: args.issuer, audience: args.audience };
  if (args.jwksUri !== undefined) {
    try {
      return createJwksVerifier({ ...common, jwksUri: new URL(args.jwksUri) });
    } catch {
      throw new UsageError('--jwks-uri is not a URL');
    }
  }
  let pem: string;
  try {
    pem = readFileSync(args.trustAnchors!, 'utf8');
  } catch {
    throw new UsageError(`cannot read the trust anchors file ${args.trustAnchors}`);
  }
  try {
    return createX5cVerifier({ ...common, trustAnchors: parseTrustAnchors(pem) });
  } catch {
    throw new UsageError(`${args.trustAnchors} is not a PEM bundle of certificates`);
  }
}

/** Runs the CLI (scripts/bundle-lambda.js builds its entry point); returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    const args = parse(argv);
    const result = await verifierFor(args)(args.token.trim());
    if (!result.ok) {
      process.stderr.write(`${describeRejection(result.reason)}\n`);
      return 1;
    }
    process.stdout.write(`${JSON.stringify(result.claims.raw, null, 2)}\n`);
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
        ? `${message}\n${USAGE}\n`
        : `verification failed: ${message}\n`,
    );
    return 1;
  }
}
