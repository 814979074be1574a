import 'reflect-metadata';
import * as asn1js from 'asn1js';
import { createPrivateKey, createPublicKey, KeyObject, webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';
import { x509 } from '../verifier/x509';
import { ImportRejection, KeyWithChain } from './imported-key';

// RFC 7292 bag types.
const KEY_BAG = '1.2.840.113549.1.12.10.1.1';
const SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const CERT_BAG = '1.2.840.113549.1.12.10.1.3';

const engine = new pkijs.CryptoEngine({
  name: 'node',
  // pkijs types its engine with the DOM's Crypto, which this Node-only build does not load.
  crypto: webcrypto as never,
});

/**
 * Opens a PKCS#12 file with its passphrase (integrity MAC checked, bags decrypted by pkijs)
 * and returns its one private key with the chain ordered leaf first.
 */
export async function parsePkcs12Import(pfxDer: Buffer, passphrase: string): Promise<KeyWithChain> {
  const { keys, certificates } = await openPfx(pfxDer, passphrase);
  if (keys.length !== 1) {
    throw new ImportRejection('the PKCS#12 file must hold exactly one private key');
  }
  const privateKey = keys[0];
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const leaf = certificates.find((c) => Buffer.from(c.publicKey.rawData).equals(spki));
  if (!leaf) {
    throw new ImportRejection('the PKCS#12 file holds no certificate for its private key');
  }
  const chain = await new x509.X509ChainBuilder({ certificates }).build(leaf);
  return { privateKey, chain: [...chain] };
}

async function openPfx(
  pfxDer: Buffer,
  passphrase: string,
): Promise<{ keys: KeyObject[]; certificates: x509.X509Certificate[] }> {
  const password = new Uint8Array(Buffer.from(passphrase, 'utf8')).buffer;
  const keys: KeyObject[] = [];
  const certificates: x509.X509Certificate[] = [];
  try {
    const asn1 = asn1js.fromBER(new Uint8Array(pfxDer));
    if (asn1.offset === -1) {
      throw new ImportRejection('pkcs12_base64 is not a PKCS#12 file');
    }
    const pfx = new pkijs.PFX({ schema: asn1.result });
    await pfx.parseInternalValues({ password, checkIntegrity: true }, engine);
    const authenticatedSafe = pfx.parsedValue?.authenticatedSafe;
    if (!authenticatedSafe) {
      throw new ImportRejection('the PKCS#12 file holds no content');
    }
    await authenticatedSafe.parseInternalValues(
      { safeContents: authenticatedSafe.safeContents.map(() => ({ password })) },
      engine,
    );
    const parsed = authenticatedSafe.parsedValue as
      { safeContents: { value: pkijs.SafeContents }[] } | undefined;
    for (const contents of parsed?.safeContents ?? []) {
      for (const bag of contents.value.safeBags) {
        await collectBag(bag, password, keys, certificates);
      }
    }
  } catch (error) {
    if (error instanceof ImportRejection) {
      throw error;
    }
    throw new ImportRejection('the PKCS#12 file does not open with this passphrase');
  }
  return { keys, certificates };
}

async function collectBag(
  bag: pkijs.SafeBag,
  password: ArrayBuffer,
  keys: KeyObject[],
  certificates: x509.X509Certificate[],
): Promise<void> {
  switch (bag.bagId) {
    case SHROUDED_KEY_BAG: {
      const shrouded = bag.bagValue as pkijs.PKCS8ShroudedKeyBag;
      // Public at run time (pkijs's own PKCS#12 examples call it); its typings say protected.
      await (shrouded as unknown as Decryptable).parseInternalValues({ password }, engine);
      keys.push(privateKeyFrom(shrouded.parsedValue!.toSchema().toBER()));
      return;
    }
    case KEY_BAG:
      keys.push(privateKeyFrom((bag.bagValue as pkijs.PrivateKeyInfo).toSchema().toBER()));
      return;
    case CERT_BAG: {
      const certificate: unknown = (bag.bagValue as pkijs.CertBag).parsedValue;
      if (certificate instanceof pkijs.Certificate) {
        certificates.push(new x509.X509Certificate(certificate.toSchema().toBER()));
      }
      return;
    }
    default:
      return;
  }
}

interface Decryptable {
  parseInternalValues(
    parameters: { password: ArrayBuffer },
    crypto: pkijs.ICryptoEngine,
  ): Promise<void>;
}

function privateKeyFrom(pkcs8: ArrayBuffer): KeyObject {
  return createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
}
