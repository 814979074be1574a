import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';
import { SigningAlgorithm } from '../config/signet-config';
import { x509 } from '../verifier/x509';

/** Why an imported key was refused: the message is safe to show the admin. */
export class ImportRejection extends Error {}

export interface KeyWithChain {
  privateKey: KeyObject;
  /** Leaf first. */
  chain: x509.X509Certificate[];
}

/** Parses the PEM form of an import. */
export function parsePemImport(privateKeyPem: string, chainPem: string): KeyWithChain {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: privateKeyPem, format: 'pem' });
  } catch {
    throw new ImportRejection('private_key_pem is not an unencrypted PEM private key');
  }
  let chain: x509.X509Certificate[];
  try {
    chain = x509.PemConverter.decode(chainPem).map((der) => new x509.X509Certificate(der));
  } catch {
    throw new ImportRejection('certificate_chain_pem is not a PEM bundle of certificates');
  }
  if (chain.length === 0) {
    throw new ImportRejection('certificate_chain_pem holds no certificate');
  }
  return { privateKey, chain };
}

/** The JWS algorithm of a key: RSA ≥ 2048 bits, EC P-256 or Ed25519 (RFC 7518, RFC 8037). */
export function algorithmOf(key: KeyObject, rsaAlg: 'RS256' | 'PS256' = 'RS256'): SigningAlgorithm {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
      if ((details.modulusLength ?? 0) < 2048) {
        throw new ImportRejection('an RSA key must have at least 2048 bits');
      }
      return rsaAlg;
    case 'ec':
      if (details.namedCurve !== 'prime256v1') {
        throw new ImportRejection('an EC key must be on P-256 (ES256)');
      }
      return 'ES256';
    case 'ed25519':
      return 'EdDSA';
    case 'rsa-pss':
    case 'dsa':
    case 'ed448':
    case 'x25519':
    case 'x448':
    case undefined:
      throw new ImportRejection('the key must be RSA, EC P-256 or Ed25519');
  }
}

/** The leaf certificate must certify the private key being imported. */
export function assertLeafMatchesKey(leaf: x509.X509Certificate, privateKey: KeyObject): void {
  const fromKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const fromLeaf = createPublicKey({
    key: Buffer.from(leaf.publicKey.rawData),
    format: 'der',
    type: 'spki',
  }).export({ format: 'der', type: 'spki' });
  if (!fromKey.equals(fromLeaf)) {
    throw new ImportRejection('the first certificate of the chain is not the private key’s');
  }
}
