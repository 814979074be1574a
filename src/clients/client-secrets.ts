import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits, base64url: a secret nobody can guess, so a keyed fast hash is enough. */
export function generateClientSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * `hmac-sha256:<kek id>:<digest>`. The HMAC key is derived from the KEK, so a stolen
 * database alone does not let anyone test guesses; the KEK id says which key hashed it.
 */
export function hashClientSecret(secret: string, hmacKey: Buffer, kekId: string): string {
  return `hmac-sha256:${kekId}:${createHmac('sha256', hmacKey).update(secret).digest('base64url')}`;
}

export function parseSecretHash(stored: string): { kekId: string; digest: Buffer } | undefined {
  const [scheme, kekId, digest] = stored.split(':');
  if (scheme !== 'hmac-sha256' || !kekId || !digest) {
    return undefined;
  }
  return { kekId, digest: Buffer.from(digest, 'base64url') };
}

/** Constant-time comparison of a presented secret with the stored hash. */
export function verifyClientSecret(
  secret: string,
  stored: { digest: Buffer },
  hmacKey: Buffer,
): boolean {
  const presented = createHmac('sha256', hmacKey).update(secret).digest();
  return presented.length === stored.digest.length && timingSafeEqual(presented, stored.digest);
}
