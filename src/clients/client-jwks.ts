import { createPublicKey, JsonWebKey as NodeJsonWebKey } from 'node:crypto';
import { JWK } from 'jose';

/** Algorithms a client may sign assertions with (RFC 7523; never HMAC, never none). */
export const ASSERTION_ALGORITHMS = [
  'PS256',
  'PS384',
  'PS512',
  'RS256',
  'RS384',
  'RS512',
  'ES256',
  'ES384',
  'EdDSA',
];

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];
const MAX_KEYS = 20;

/** Why an inline client JWK Set cannot be registered, or undefined when it can. */
export function clientJwksProblem(jwks: unknown): string | undefined {
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_KEYS) {
    return `jwks must be a JWK Set with 1 to ${MAX_KEYS} keys`;
  }
  for (const [index, key] of keys.entries()) {
    const problem = keyProblem(key as JWK);
    if (problem) {
      return `jwks.keys[${index}]: ${problem}`;
    }
  }
  return undefined;
}

function keyProblem(key: JWK): string | undefined {
  if (typeof key !== 'object' || key === null || Array.isArray(key)) {
    return 'must be a JWK object';
  }
  if (!['RSA', 'EC', 'OKP'].includes(String(key.kty))) {
    return 'kty must be RSA, EC or OKP';
  }
  if (PRIVATE_MEMBERS.some((member) => member in key)) {
    return 'must be a public key (it has private members)';
  }
  if (key.alg !== undefined && !ASSERTION_ALGORITHMS.includes(key.alg)) {
    return `alg must be one of ${ASSERTION_ALGORITHMS.join(', ')}`;
  }
  if (key.use !== undefined && key.use !== 'sig') {
    return 'use must be sig';
  }
  try {
    const publicKey = createPublicKey({ key: key as NodeJsonWebKey, format: 'jwk' });
    const bits = publicKey.asymmetricKeyDetails?.modulusLength;
    if (key.kty === 'RSA' && (bits ?? 0) < 2048) {
      return 'RSA keys must have at least 2048 bits';
    }
  } catch {
    return 'is not a valid public key';
  }
  return undefined;
}
