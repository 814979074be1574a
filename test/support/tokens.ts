import { createHmac, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { CompactSign, exportJWK } from 'jose';
import { KeyStore } from '../../src/keys/key-store.service';
import { TestApp } from './app';

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Claims of a valid user token for `t`, to be altered by a test. */
export function validClaims(
  t: TestApp,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const now = t.clock.nowSeconds();
  return {
    iss: t.config.issuer,
    sub: randomUUID(),
    aud: t.config.audience,
    exp: now + 300,
    iat: now,
    jti: randomUUID(),
    client_id: 'signet-login',
    scope: 'pets:read',
    username: 'mallory',
    ...overrides,
  };
}

/** Signs arbitrary claims and header fields with the server's own active key. */
export async function signWithServerKey(
  t: TestApp,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  const key = await t.app.get(KeyStore).signingKey();
  return new CompactSign(Buffer.from(JSON.stringify(claims)))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header })
    .sign(key.privateKey);
}

/** A token with `alg: none` and no signature, naming the server's active kid. */
export async function unsignedToken(
  t: TestApp,
  claims: Record<string, unknown>,
  alg = 'none',
): Promise<string> {
  const key = await t.app.get(KeyStore).signingKey();
  return `${encode({ alg, kid: key.kid, typ: 'at+jwt' })}.${encode(claims)}.`;
}

/** The classic confusion attack: HS256 keyed with the server's public key as PEM text. */
export async function hmacWithServerPublicKey(
  t: TestApp,
  claims: Record<string, unknown>,
): Promise<string> {
  const key = await t.app.get(KeyStore).signingKey();
  const pem = createPublicKey(key.privateKey).export({ format: 'pem', type: 'spki' }).toString();
  const input = `${encode({ alg: 'HS256', kid: key.kid, typ: 'at+jwt' })}.${encode(claims)}`;
  return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
}

/** A token signed by a key the server never published, under a kid it does not know. */
export async function tokenFromForeignKey(
  claims: Record<string, unknown>,
  kid = 'attacker-key',
): Promise<string> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = await exportJWK(publicKey);
  return new CompactSign(Buffer.from(JSON.stringify(claims)))
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt', jwk })
    .sign(privateKey);
}

/** The same token with its payload replaced after signing. */
export function withPayloadChanged(token: string, change: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
    string,
    unknown
  >;
  return `${header}.${encode({ ...claims, ...change })}.${signature}`;
}
