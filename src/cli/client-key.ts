import {
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  KeyObject,
  randomUUID,
} from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, exportJWK, JWK, SignJWT } from 'jose';

const generate = promisify(generateKeyPair);

export const PARTNER_ALGORITHMS = ['PS256', 'RS256', 'ES256', 'EdDSA'] as const;
export type PartnerAlgorithm = (typeof PARTNER_ALGORITHMS)[number];

async function newPair(
  alg: PartnerAlgorithm,
): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  switch (alg) {
    case 'PS256':
    case 'RS256':
      return generate('rsa', { modulusLength: 3072 });
    case 'ES256':
      return generate('ec', { namedCurve: 'P-256' });
    case 'EdDSA':
      return generate('ed25519');
  }
}

/**
 * A partner's key pair: the private key as passphrase-encrypted PKCS#8 PEM (AES-256-CBC,
 * PBKDF2, as OpenSSL writes it), and the public JWK to register or publish.
 */
export async function generateClientKey(
  alg: PartnerAlgorithm,
  passphrase: string,
): Promise<{ encryptedPem: string; publicJwk: JWK }> {
  const { privateKey, publicKey } = await newPair(alg);
  const encryptedPem = privateKey
    .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })
    .toString();
  const jwk = await exportJWK(publicKey);
  const publicJwk = { ...jwk, kid: await calculateJwkThumbprint(jwk), alg, use: 'sig' };
  return { encryptedPem, publicJwk };
}

export function writePrivateKey(path: string, pem: string): void {
  writeFileSync(path, pem, { mode: 0o600, flag: 'wx' });
}

/** An RFC 7523 client assertion for Signet's token endpoint, valid for one minute. */
export async function signClientAssertion(options: {
  keyFile: string;
  passphrase: string;
  clientId: string;
  audience: string;
  alg: PartnerAlgorithm;
  kid?: string;
}): Promise<string> {
  const privateKey = createPrivateKey({
    key: readFileSync(options.keyFile),
    format: 'pem',
    passphrase: options.passphrase,
  });
  // The kid `generate` printed: the RFC 7638 thumbprint of the public key.
  const kid =
    options.kid ?? (await calculateJwkThumbprint(await exportJWK(createPublicKey(privateKey))));
  return new SignJWT({})
    .setProtectedHeader({ alg: options.alg, kid })
    .setIssuer(options.clientId)
    .setSubject(options.clientId)
    .setAudience(options.audience)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('60s')
    .sign(privateKey);
}
