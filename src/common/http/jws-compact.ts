/** header.payload.signature, each strictly base64url without padding (RFC 7515 §7.1). */
const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Whether a token is a canonical JWS compact serialization. Decoders accept padding, the
 * standard alphabet or stray bits in the last character, so a token that differs from a valid
 * one in those ways would otherwise verify too; only the canonical spelling is accepted.
 */
export function isCanonicalJwsCompact(token: string): boolean {
  if (!JWS_COMPACT.test(token)) {
    return false;
  }
  return token
    .split('.')
    .every((segment) => Buffer.from(segment, 'base64url').toString('base64url') === segment);
}
