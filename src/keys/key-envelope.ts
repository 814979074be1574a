import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** A key-encryption key and the id recorded in every envelope it seals. */
export interface Kek {
  id: string;
  key: Buffer;
}

/** The stored form of a private key: AES-256-GCM under the KEK named by `kek`. */
interface KeyEnvelope {
  v: 1;
  alg: 'A256GCM';
  kek: string;
  iv: string;
  tag: string;
  ct: string;
}

export class KeyEnvelopeError extends Error {}

/** A short, stable, non-secret id for a KEK, so envelopes can say which one sealed them. */
export function kekFromBytes(key: Buffer): Kek {
  if (key.length !== 32) {
    throw new KeyEnvelopeError('a KEK is 32 bytes');
  }
  const id = createHash('sha256').update('signet-kek-id:').update(key).digest('base64url');
  return { id: id.slice(0, 16), key };
}

/** Seals `plaintext`; `context` (the kid) is bound as additional data so rows cannot be swapped. */
export function sealKey(plaintext: Buffer, kek: Kek, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek.key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const envelope: KeyEnvelope = {
    v: 1,
    alg: 'A256GCM',
    kek: kek.id,
    iv: iv.toString('base64url'),
    tag: cipher.getAuthTag().toString('base64url'),
    ct: ct.toString('base64url'),
  };
  return JSON.stringify(envelope);
}

/** The KEK id an envelope was sealed with (to re-encrypt under a new KEK). */
export function envelopeKekId(sealed: string): string {
  return parseEnvelope(sealed).kek;
}

/** Opens an envelope with whichever of `keks` sealed it. */
export function openKey(sealed: string, keks: readonly Kek[], context: string): Buffer {
  const envelope = parseEnvelope(sealed);
  const kek = keks.find((k) => k.id === envelope.kek);
  if (!kek) {
    throw new KeyEnvelopeError(`no configured KEK has id ${envelope.kek}`);
  }
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      kek.key,
      Buffer.from(envelope.iv, 'base64url'),
    );
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(envelope.tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(envelope.ct, 'base64url')),
      decipher.final(),
    ]);
  } catch {
    throw new KeyEnvelopeError('the envelope does not open with its KEK (tampered or wrong key)');
  }
}

function parseEnvelope(sealed: string): KeyEnvelope {
  const value: unknown = JSON.parse(sealed);
  if (
    typeof value !== 'object' ||
    value === null ||
    (value as { v?: unknown }).v !== 1 ||
    (value as { alg?: unknown }).alg !== 'A256GCM'
  ) {
    throw new KeyEnvelopeError('unknown key envelope format');
  }
  return value as KeyEnvelope;
}
