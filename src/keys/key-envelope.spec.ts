import { randomBytes } from 'node:crypto';
import { envelopeKekId, kekFromBytes, KeyEnvelopeError, openKey, sealKey } from './key-envelope';

describe('key envelope', () => {
  const kek = kekFromBytes(randomBytes(32));
  const other = kekFromBytes(randomBytes(32));
  const secret = Buffer.from('-----BEGIN PRIVATE KEY----- pretend');

  it('opens what it sealed and records the KEK id', () => {
    const sealed = sealKey(secret, kek, 'kid-1');
    expect(openKey(sealed, [other, kek], 'kid-1')).toEqual(secret);
    expect(envelopeKekId(sealed)).toBe(kek.id);
    expect(sealed).not.toContain(secret.toString('base64url'));
  });

  it.each([
    ['another KEK', (s: string) => openKey(s, [other], 'kid-1')],
    ['another kid as context', (s: string) => openKey(s, [kek], 'kid-2')],
    [
      'a changed ciphertext',
      (s: string) => {
        const e = JSON.parse(s) as { ct: string };
        const ct = Buffer.from(e.ct, 'base64url');
        ct[0] ^= 1;
        return openKey(JSON.stringify({ ...e, ct: ct.toString('base64url') }), [kek], 'kid-1');
      },
    ],
  ])('refuses to open with %s', (_name, open) => {
    const sealed = sealKey(secret, kek, 'kid-1');
    expect(() => open(sealed)).toThrow(KeyEnvelopeError);
  });

  it('refuses a KEK that is not 32 bytes', () => {
    expect(() => kekFromBytes(randomBytes(16))).toThrow(KeyEnvelopeError);
  });
});
