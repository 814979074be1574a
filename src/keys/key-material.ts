import { generateKeyPair, KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, exportJWK, JWK } from 'jose';
import { SigningAlgorithm } from '../config/signet-config';

const generate = promisify(generateKeyPair);

/** A fresh key pair with its public JWK and kid; the private key never leaves the server. */
export interface GeneratedKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: JWK;
}

// RSA 2048 is the floor (RFC 7518 §3.3, §3.5); node's generator runs off the event loop.
async function generatePair(
  alg: SigningAlgorithm,
): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  switch (alg) {
    case 'RS256':
    case 'PS256':
      return generate('rsa', { modulusLength: 2048 });
    case 'ES256':
      return generate('ec', { namedCurve: 'P-256' });
    case 'EdDSA':
      return generate('ed25519');
  }
}

/** The public JWK as published: key parameters plus kid, alg and use. */
export async function publicJwkOf(publicKey: KeyObject, alg: SigningAlgorithm): Promise<JWK> {
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  return { ...jwk, kid, alg, use: 'sig' };
}

export async function generateSigningKey(alg: SigningAlgorithm): Promise<GeneratedKey> {
  const { privateKey, publicKey } = await generatePair(alg);
  const publicJwk = await publicJwkOf(publicKey, alg);
  return { kid: publicJwk.kid!, alg, privateKey, publicKey, publicJwk };
}
