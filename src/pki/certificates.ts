import { createHash, KeyObject, webcrypto } from 'node:crypto';
import { x509 } from '../verifier/x509';

type CryptoKey = webcrypto.CryptoKey;

/** Signet's CA keys: ECDSA P-256 with SHA-256, fast to generate and small in every x5c. */
const CA_KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export const ROOT_VALIDITY_YEARS = 25;
export const INTERMEDIATE_VALIDITY_YEARS = 10;
/** Certificates start a little in the past, so a verifier whose clock lags still accepts them. */
const BACKDATE_MS = 5 * 60 * 1000;

/** A CA certificate with its private key, ready to issue. */
export interface Issuer {
  certificate: x509.X509Certificate;
  privateKey: CryptoKey;
}

export interface CaKeyPair {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

export function generateCaKeyPair(): Promise<CaKeyPair> {
  return webcrypto.subtle.generateKey(CA_KEY_ALGORITHM, true, ['sign', 'verify']);
}

export async function exportCaPrivateKey(key: CryptoKey): Promise<Buffer> {
  return Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
}

export function importCaPrivateKey(pkcs8Der: Buffer): Promise<CryptoKey> {
  return webcrypto.subtle.importKey('pkcs8', pkcs8Der, CA_KEY_ALGORITHM, false, ['sign']);
}

function addYears(date: Date, years: number): Date {
  const result = new Date(date);
  result.setUTCFullYear(result.getUTCFullYear() + years);
  return result;
}

/** A distinguished name built from values, never parsed from text (a URL may hold commas). */
function nameOf(commonName: string, organization: string): x509.JsonName {
  return [{ CN: [commonName] }, { O: [organization] }];
}

function caExtensions(pathLength: number): x509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(true, pathLength, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
  ];
}

/** The long-lived, self-signed root: what verifiers deploy as their trust anchor. */
export async function createRootCertificate(
  issuerUrl: string,
  keys: CaKeyPair,
  now: Date,
): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.createSelfSigned({
    name: nameOf('Signet Root CA', issuerUrl),
    keys,
    signingAlgorithm: CA_KEY_ALGORITHM,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: addYears(now, ROOT_VALIDITY_YEARS),
    extensions: [
      ...caExtensions(1),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
}

/** The intermediate that issues signing certificates; path length 0: it issues no CA. */
export async function createIntermediateCertificate(
  issuerUrl: string,
  publicKey: CryptoKey,
  root: Issuer,
  now: Date,
): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.create({
    subject: nameOf('Signet Intermediate CA', issuerUrl),
    issuer: root.certificate.subject,
    publicKey,
    signingKey: root.privateKey,
    signingAlgorithm: CA_KEY_ALGORITHM,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: addYears(now, INTERMEDIATE_VALIDITY_YEARS),
    extensions: [
      ...caExtensions(0),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(root.certificate),
    ],
  });
}

/**
 * The certificate of a signing key: subject names the token issuer and the kid, usage is
 * digitalSignature only, and it lives as long as the intermediate (a signing key has no end
 * date of its own: it is rotated out, then deleted).
 */
export async function createSigningCertificate(
  issuerUrl: string,
  kid: string,
  publicKey: KeyObject,
  intermediate: Issuer,
  now: Date,
): Promise<x509.X509Certificate> {
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return x509.X509CertificateGenerator.create({
    subject: [{ CN: [kid] }, { O: [issuerUrl] }],
    issuer: intermediate.certificate.subject,
    publicKey: spki,
    signingKey: intermediate.privateKey,
    signingAlgorithm: CA_KEY_ALGORITHM,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: intermediate.certificate.notAfter,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      await x509.AuthorityKeyIdentifierExtension.create(intermediate.certificate),
    ],
  });
}

/** RFC 7517 §4.7: x5c entries are base64 (not base64url) DER. */
export function toX5c(certificates: readonly x509.X509Certificate[]): string[] {
  return certificates.map((c) => Buffer.from(c.rawData).toString('base64'));
}

/** RFC 7517 §4.9: x5t#S256 is the base64url SHA-256 of the leaf's DER. */
export function x5tS256(x5c: readonly string[]): string {
  return createHash('sha256').update(Buffer.from(x5c[0], 'base64')).digest('base64url');
}

/** PEM text of one or more certificates. */
export function toPem(certificates: readonly x509.X509Certificate[]): string {
  return certificates.map((c) => c.toString('pem')).join('\n') + '\n';
}

/** Every certificate in a PEM bundle, in order; throws on anything that is not one. */
export function parsePemBundle(pem: string): x509.X509Certificate[] {
  return x509.PemConverter.decode(pem).map((der) => new x509.X509Certificate(der));
}
