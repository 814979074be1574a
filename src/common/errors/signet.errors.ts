/**
 * Signet's errors. Each has an HTTP status, a stable `error` code, a short message that is
 * safe to show, and an optional private `reason` for logs and metrics only.
 */
export abstract class SignetError extends Error {
  abstract readonly status: number;
  abstract readonly error: string;

  constructor(
    message: string,
    readonly reason?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends SignetError {
  readonly status = 400;
  constructor(
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

export class PayloadTooLargeError extends SignetError {
  readonly status = 413;
  readonly error = 'payload_too_large';
}

export class UnsupportedMediaTypeError extends SignetError {
  readonly status = 415;
  readonly error = 'unsupported_media_type';
}

export class NotFoundError extends SignetError {
  readonly status = 404;
  readonly error = 'not_found';
  constructor(what: string) {
    super(`${what} not found`);
  }
}

export class ConflictError extends SignetError {
  readonly status = 409;
  readonly error = 'conflict';
}

/** Wrong username or password: one message for both (CONTRACT §5). */
export class InvalidCredentialsError extends SignetError {
  readonly error = 'invalid_credentials';
  constructor(
    readonly status: 400 | 401 = 401,
    message = 'Invalid username or password',
  ) {
    super(message);
  }
}

/** RFC 6750 §3: no token was sent. */
export class MissingTokenError extends SignetError {
  readonly status = 401;
  readonly error = 'unauthorized';
  constructor() {
    super('An access token is required');
  }
}

/** RFC 6750 §3.1: a token was sent and it is not acceptable; `reason` stays private. */
export class InvalidTokenError extends SignetError {
  readonly status = 401;
  readonly error = 'invalid_token';
  constructor(reason: string, message = 'The access token is invalid') {
    super(message, reason);
  }
}

/** RFC 6750 §3.1: insufficient_scope → 403 naming the scopes the route needs. */
export class InsufficientScopeError extends SignetError {
  readonly status = 403;
  readonly error = 'insufficient_scope';
  constructor(readonly requiredScopes: readonly string[]) {
    super(`This request needs the scope: ${requiredScopes.join(' ')}`);
  }
}

/** A refresh token that is unknown, expired, revoked or already used (CONTRACT §5). */
export class InvalidGrantError extends SignetError {
  readonly status = 401;
  readonly error = 'invalid_grant';
  constructor(reason: string) {
    super('The refresh token is invalid or expired', reason);
  }
}

export class ForbiddenError extends SignetError {
  readonly status = 403;
  readonly error = 'forbidden';
}

export class TooManyAttemptsError extends SignetError {
  readonly status = 429;
  readonly error = 'too_many_requests';
  constructor(readonly retryAfterSeconds: number) {
    super('Too many failed attempts; try again later');
  }
}

/** RFC 6749 §5.2 errors of the /oauth/* endpoints. */
export class OAuthError extends SignetError {
  constructor(
    readonly error:
      | 'invalid_request'
      | 'invalid_client'
      | 'invalid_grant'
      | 'unauthorized_client'
      | 'unsupported_grant_type'
      | 'invalid_scope'
      | 'invalid_target',
    message: string,
    reason?: string,
    readonly status: 400 | 401 = error === 'invalid_client' ? 401 : 400,
    readonly basicChallenge = false,
  ) {
    super(message, reason);
  }
}
