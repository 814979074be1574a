import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, KeyObject, webcrypto } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompactSign } from 'jose';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { x509 } from '../../src/verifier/x509';
import type { TestApp } from './app';

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 3600 * 1000;

/** A certificate chain made outside Signet: a company PKI, an attacker, or a broken one. */
export interface TestChain {
  root: x509.X509Certificate;
  rootPem: string;
  /** base64 DER, leaf first; the root is included only with `includeRoot`. */
  x5c: string[];
  /** The same certificates as one PEM bundle, leaf first. */
  chainPem: string;
  leafKey: KeyObject;
  leafKeyPem: string;
}

export interface TestChainOptions {
  /** Leaf validity [a day ago, a year ahead]. */
  leafNotBefore?: Date;
  leafNotAfter?: Date;
  /** false: the intermediate lacks basicConstraints CA:true. */
  intermediateIsCa?: boolean;
  includeRoot?: boolean;
  /** Name the leaf's issuer as this (e.g. Signet's intermediate) while signing it with ours. */
  leafIssuerName?: string;
  /** RSA leaf for RS256 [EC P-256 for ES256]. */
  leafType?: 'ec' | 'rsa';
  name?: string;
}

const der = (c: x509.X509Certificate): string => Buffer.from(c.rawData).toString('base64');

export async function makeChain(options: TestChainOptions = {}): Promise<TestChain> {
  const name = options.name ?? 'Example Corp';
  const now = Date.now();
  const rootKeys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${name} Root`,
    keys: rootKeys,
    signingAlgorithm: EC,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 3650 * DAY_MS),
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
    ],
  });
  const intermediateKeys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const intermediate = await x509.X509CertificateGenerator.create({
    subject: `CN=${name} Issuing CA`,
    issuer: root.subject,
    publicKey: intermediateKeys.publicKey,
    signingKey: rootKeys.privateKey,
    signingAlgorithm: EC,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 1825 * DAY_MS),
    extensions: [
      new x509.BasicConstraintsExtension(options.intermediateIsCa ?? true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
    ],
  });
  const leafPair =
    options.leafType === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const leaf = await x509.X509CertificateGenerator.create({
    subject: `CN=${name} token signing`,
    issuer: options.leafIssuerName ?? intermediate.subject,
    publicKey: leafPair.publicKey.export({ format: 'der', type: 'spki' }),
    signingKey: intermediateKeys.privateKey,
    signingAlgorithm: EC,
    notBefore: options.leafNotBefore ?? new Date(now - DAY_MS),
    notAfter: options.leafNotAfter ?? new Date(now + 365 * DAY_MS),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    ],
  });
  const certificates = options.includeRoot ? [leaf, intermediate, root] : [leaf, intermediate];
  return {
    root,
    rootPem: root.toString('pem'),
    x5c: certificates.map(der),
    chainPem: certificates.map((c) => c.toString('pem')).join('\n'),
    leafKey: leafPair.privateKey,
    leafKeyPem: leafPair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

/** Signs claims with `key`, putting `header` (x5c, jwk, kid…) into the protected header. */
export function signWithKey(
  claims: Record<string, unknown>,
  key: KeyObject,
  header: Record<string, unknown>,
): Promise<string> {
  const alg = key.asymmetricKeyType === 'rsa' ? 'RS256' : 'ES256';
  return new CompactSign(Buffer.from(JSON.stringify(claims)))
    .setProtectedHeader({ alg, typ: 'at+jwt', ...header })
    .sign(key);
}

/** Reads a PEM (application/x-pem-file) body as text. */
export function pemParser(
  response: unknown,
  callback: (error: Error | null, body: string) => void,
): void {
  const stream = response as NodeJS.ReadableStream;
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => (text += chunk));
  stream.on('end', () => callback(null, text));
}

/** GET /admin/pki/trust-anchors as PEM text. */
export async function trustAnchorsOf(t: TestApp, adminToken: string): Promise<string> {
  const response = await t
    .http()
    .get('/admin/pki/trust-anchors')
    .set('Authorization', `Bearer ${adminToken}`)
    .buffer(true)
    .parse(pemParser);
  if (response.status !== 200) {
    throw new Error(`trust anchors answered ${response.status}`);
  }
  return response.body as string;
}

/** Makes the test app listen on a loopback port; returns its jwks_uri. */
export async function listen(t: TestApp): Promise<string> {
  const server = t.app.getHttpServer() as Server;
  if (!server.listening) {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  }
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
}

/** A PKCS#12 file as OpenSSL 3 writes it by default (PBES2/AES-256, HMAC-SHA256 MAC). */
export function exportPkcs12(keyPem: string, chainPem: string, passphrase: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'signet-p12-'));
  const [leaf, ...issuers] = chainPem.split(/(?=-----BEGIN CERTIFICATE-----)/);
  try {
    writeFileSync(join(dir, 'key.pem'), keyPem);
    writeFileSync(join(dir, 'leaf.pem'), leaf);
    // The issuers in reverse, so the import has to put them in order itself.
    writeFileSync(
      join(dir, 'issuers.pem'),
      issuers
        .map((c) => c.trim())
        .reverse()
        .join('\n') + '\n',
    );
    execFileSync('openssl', [
      'pkcs12',
      '-export',
      '-inkey',
      join(dir, 'key.pem'),
      '-in',
      join(dir, 'leaf.pem'),
      '-certfile',
      join(dir, 'issuers.pem'),
      '-passout',
      `pass:${passphrase}`,
      '-out',
      join(dir, 'bundle.p12'),
    ]);
    return readFileSync(join(dir, 'bundle.p12'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
