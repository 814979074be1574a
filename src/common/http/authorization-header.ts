/** What a request's Authorization header(s) say about a bearer token (RFC 6750 §2.1). */
export type BearerCredentials =
  { kind: 'none' } | { kind: 'token'; token: string } | { kind: 'malformed'; reason: string };

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
/** Tokens longer than this are refused before any parsing (Signet's own are < 2 KB). */
export const MAX_TOKEN_LENGTH = 8192;

/**
 * The values of every Authorization header in Node's `rawHeaders` (name, value, name, …).
 * Node keeps only the first one in `headers`, so several must be found here.
 */
export function authorizationValues(rawHeaders: readonly string[]): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toLowerCase() === 'authorization') {
      values.push(rawHeaders[i + 1]);
    }
  }
  return values;
}

/**
 * Reads a bearer token. The scheme is case-insensitive (RFC 7235 §2.1) and may be followed
 * by one or more spaces (RFC 6750 `1*SP`). Another scheme counts as no bearer token.
 */
export function parseBearer(values: readonly string[]): BearerCredentials {
  if (values.length === 0) {
    return { kind: 'none' };
  }
  if (values.length > 1) {
    return { kind: 'malformed', reason: 'several_authorization_headers' };
  }
  const value = values[0].trim();
  const match = /^(\S+)(?: +(.*))?$/.exec(value);
  if (!match || match[1].toLowerCase() !== 'bearer') {
    return { kind: 'none' };
  }
  const token = match[2] ?? '';
  if (token === '') {
    return { kind: 'malformed', reason: 'token_empty' };
  }
  if (token.length > MAX_TOKEN_LENGTH) {
    return { kind: 'malformed', reason: 'token_too_long' };
  }
  if (!B64TOKEN.test(token)) {
    return { kind: 'malformed', reason: 'token_syntax' };
  }
  return { kind: 'token', token };
}

/** HTTP Basic client credentials (RFC 6749 §2.3.1), or why there are none. */
export type BasicCredentials =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'malformed'; reason: string };

function formDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * Reads `Authorization: Basic`. RFC 6749 §2.3.1 form-encodes client_id and secret before
 * base64, so both are form-decoded here. Another scheme counts as none.
 */
export function parseBasic(values: readonly string[]): BasicCredentials {
  if (values.length === 0) {
    return { kind: 'none' };
  }
  if (values.length > 1) {
    return { kind: 'malformed', reason: 'several_authorization_headers' };
  }
  const match = /^(\S+)(?: +(\S*))?$/.exec(values[0].trim());
  if (!match || match[1].toLowerCase() !== 'basic') {
    return { kind: 'none' };
  }
  const encoded = match[2] ?? '';
  if (encoded === '' || encoded.length > 4096 || !/^[A-Za-z0-9+/]+=*$/.test(encoded)) {
    return { kind: 'malformed', reason: 'basic_syntax' };
  }
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const username = colon > 0 ? formDecode(decoded.slice(0, colon)) : undefined;
  const password = colon > 0 ? formDecode(decoded.slice(colon + 1)) : undefined;
  if (username === undefined || password === undefined || username === '') {
    return { kind: 'malformed', reason: 'basic_syntax' };
  }
  return { kind: 'basic', username, password };
}
