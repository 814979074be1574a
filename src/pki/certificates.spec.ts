import { createHash, generateKeyPairSync } from 'node:crypto';
import { validateCertificatePath } from '../verifier/certificate-path';
import { x509 } from '../verifier/x509';
import {
  createIntermediateCertificate,
  createRootCertificate,
  createSigningCertificate,
  exportCaPrivateKey,
  generateCaKeyPair,
  importCaPrivateKey,
  parsePemBundle,
  toPem,
  toX5c,
  x5tS256,
} from './certificates';

describe("Signet's CA certificates", () => {
  const issuerUrl = 'https://signet.example.com/a,b';
  const now = new Date();

  it.each([
    ['rsa', {}],
    ['ec', { namedCurve: 'P-256' }],
    ['ed25519', {}],
  ] as const)(
    'certifies a %s signing key in a chain that validates to the root',
    async (type, options) => {
      const rootKeys = await generateCaKeyPair();
      const root = await createRootCertificate(issuerUrl, rootKeys, now);
      const intermediateKeys = await generateCaKeyPair();
      const intermediate = await createIntermediateCertificate(
        issuerUrl,
        intermediateKeys.publicKey,
        { certificate: root, privateKey: rootKeys.privateKey },
        now,
      );
      // The sealed and reopened CA key still issues (what a restart does).
      const reopened = await importCaPrivateKey(
        await exportCaPrivateKey(intermediateKeys.privateKey),
      );
      const { publicKey } = generateKeyPairSync(type as 'rsa', { modulusLength: 2048, ...options });
      const leaf = await createSigningCertificate(
        issuerUrl,
        'kid-1',
        publicKey,
        { certificate: intermediate, privateKey: reopened },
        now,
      );
      const x5c = toX5c([leaf, intermediate]);
      expect(await validateCertificatePath(x5c, [root], now)).toEqual({ ok: true, leaf });
      expect(leaf.subject).toBe(`CN=kid-1, O=${issuerUrl.replace(',', '\\,')}`);
      expect(leaf.notAfter).toEqual(intermediate.notAfter);
      expect(root.notAfter.getTime()).toBeGreaterThan(intermediate.notAfter.getTime());
      expect(Buffer.from(leaf.publicKey.rawData)).toEqual(
        publicKey.export({ format: 'der', type: 'spki' }),
      );
      expect(x5tS256(x5c)).toBe(
        createHash('sha256').update(Buffer.from(leaf.rawData)).digest('base64url'),
      );
      expect(parsePemBundle(toPem([leaf, intermediate])).map((c) => c.subject)).toEqual([
        leaf.subject,
        intermediate.subject,
      ]);
      expect(intermediate.getExtension(x509.BasicConstraintsExtension)?.pathLength).toBe(0);
    },
  );
});
