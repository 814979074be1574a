import { OAuthError } from '../common/errors/signet.errors';

/** A token-endpoint form: every parameter at most once (RFC 6749 §3.2), as strings. */
export type OAuthForm = Readonly<Record<string, string | undefined>>;

/**
 * Reads a parsed application/x-www-form-urlencoded body. Unknown parameters are ignored
 * (RFC 6749 §3.2); a repeated one is invalid_request.
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
    if (typeof value === 'string') {
      form[name] = value;
    }
  }
  return form;
}
