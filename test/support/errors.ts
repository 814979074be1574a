/*
 * Expected error bodies (CONTRACT §2). Every error body carries the request's id: the value of
 * the X-Request-Id response header and of `req.id` in the request's log lines, either a
 * generated UUID or the caller's own well-formed X-Request-Id (src/logging/logging.module.ts).
 */

/** What src/logging/logging.module.ts accepts from a caller; a generated UUID matches it too. */
export const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Headers of a supertest or raw node response. */
interface WithHeaders {
  headers: Record<string, unknown>;
}

export interface ApiErrorBody {
  statusCode: number;
  error: unknown;
  message: unknown;
  request_id?: unknown;
}

export interface OAuthErrorBody {
  error: unknown;
  error_description: unknown;
  request_id?: unknown;
}

/** `{statusCode, error, message, request_id}`, the body of every endpoint outside /oauth/*. */
export function apiError(statusCode: number, error: unknown, message: unknown): ApiErrorBody {
  return { statusCode, error, message, request_id: expect.stringMatching(REQUEST_ID) };
}

/** RFC 6749 §5.2 `{error, error_description, request_id}`, the body of the /oauth/* endpoints. */
export function oauthError(error: unknown, description: unknown): OAuthErrorBody {
  return { error, error_description: description, request_id: expect.stringMatching(REQUEST_ID) };
}

/** The `request_id` a response's body must carry: its X-Request-Id header. */
export function requestIdOf(response: WithHeaders): unknown {
  return response.headers['x-request-id'];
}
