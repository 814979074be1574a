import canonicalize from 'canonicalize';

/** RFC 8785 (JCS) canonical JSON: the bytes that are hashed, in any language. */
export function canonicalJson(payload: Record<string, unknown>): string {
  const json = canonicalize(payload);
  if (json === undefined) {
    throw new TypeError('the payload cannot be represented as JSON');
  }
  return json;
}
