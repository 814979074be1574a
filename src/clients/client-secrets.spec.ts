import { randomBytes } from 'node:crypto';
import {
  generateClientSecret,
  hashClientSecret,
  parseSecretHash,
  verifyClientSecret,
} from './client-secrets';

describe('client secrets', () => {
  const key = randomBytes(32);

  it('generates 256-bit secrets', () => {
    const secret = generateClientSecret();
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(generateClientSecret()).not.toBe(secret);
  });

  it('verifies the right secret only, under the key that hashed it', () => {
    const secret = generateClientSecret();
    const stored = parseSecretHash(hashClientSecret(secret, key, 'kek1'))!;
    expect(stored.kekId).toBe('kek1');
    expect(verifyClientSecret(secret, stored, key)).toBe(true);
    expect(verifyClientSecret(`${secret}x`, stored, key)).toBe(false);
    expect(verifyClientSecret(secret, stored, randomBytes(32))).toBe(false);
  });

  it.each(['', 'sha256:abc', 'hmac-sha256::abc', 'hmac-sha256:k:'])(
    'refuses the stored form %j',
    (stored) => {
      expect(parseSecretHash(stored)).toBeUndefined();
    },
  );
});
