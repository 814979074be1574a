import type { IncomingHttpHeaders } from 'node:http';
import { OAuthError } from '../common/errors/signet.errors';

/** A token-endpoint form: every parameter at most once (RFC 6749 §3.2), as strings. */
export type OAuthForm = Readonly<Record<string, string | undefined>>;

// RFC 6749 Appendix A: no parameter value holds a control character other than TAB (and
// PostgreSQL refuses a NUL outright, which would be a 500 instead of an OAuth error).
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\x00-\x08\x0a-\x1f\x7f]/;

/**
 * Whether a request's body is a form, as Express's `req.is()` said: a request without a body
 * counts as an empty form; one with a body must say application/x-www-form-urlencoded.
 */
export function isFormEncoded(headers: IncomingHttpHeaders): boolean {
  const length = headers['content-length'];
  const hasBody =
    headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  if (!hasBody) {
    return true;
  }
  const type = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/x-www-form-urlencoded';
}

/**
 * Reads a parsed application/x-www-form-urlencoded body. Unknown parameters are ignored
 * (RFC 6749 §3.2); a repeated one, or one with a control character, is invalid_request.
 */
export function readForm(body: unknown, isFormEncoded: boolean): OAuthForm {
  if (!isFormEncoded) {
    throw new OAuthError('invalid_request', 'The body must be application/x-www-form-urlencoded');
  }
  const form: Record<string, string> = {};
  for (const [name, value] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (Array.isArray(value)) {
      throw new OAuthError('invalid_request', `The parameter ${name} is repeated`);
    }
    if (typeof value === 'string' && CONTROL_CHARACTER.test(value)) {
      throw new OAuthError('invalid_request', `The parameter ${name} has a control character`);
    }
    if (typeof value === 'string') {
      form[name] = value;
    }
  }
  return form;
}
