import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  InsufficientScopeError,
  InvalidTokenError,
  MissingTokenError,
  OAuthError,
  SignetError,
  TooManyAttemptsError,
} from './signet.errors';

interface ErrorBody {
  status: number;
  error: string;
  message: string;
}

const STATUS_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'service_unavailable',
};

/** Nest's own exceptions (validation, unknown route, body parser) in Signet's vocabulary. */
function fromHttpException(exception: HttpException): ErrorBody {
  const status = exception.getStatus();
  const response = exception.getResponse();
  let message = exception.message;
  let isValidation = false;
  if (typeof response === 'object' && response !== null && 'message' in response) {
    const raw: unknown = response.message;
    // The global ValidationPipe answers a list of constraints; Nest's other 400s one string.
    isValidation = Array.isArray(raw);
    message = Array.isArray(raw) ? raw.map(String).join('; ') : String(raw);
  }
  if (status === 404 && /^Cannot (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)/.test(message)) {
    message = 'No such route';
  }
  if (status === 400 && /^Failed to decode param/.test(message)) {
    // Express's URIError for a bad percent-encoding in the path quotes the client's bytes.
    message = 'The request path is not validly percent-encoded';
  }
  if (status === 400 && !isValidation && /JSON|Unexpected token|position \d+/i.test(message)) {
    // Nest turns body-parser's SyntaxError into a 400 whose message quotes the client's
    // bytes; say what is wrong instead.
    message = INVALID_JSON;
  }
  return { status, error: STATUS_CODES[status] ?? `http_${status}`, message };
}

const INVALID_JSON = 'The request body is not valid JSON';

/** Safe messages for the `type` of body-parser's http-errors (their own messages quote input). */
const BODY_ERROR_MESSAGES: Record<string, string> = {
  'entity.parse.failed': INVALID_JSON,
  'entity.too.large': 'The request body is too large',
  'parameters.too.many': 'The request body has too many parameters',
  'charset.unsupported': 'The request body charset is not supported',
  'encoding.unsupported': 'The request body content encoding is not supported',
  'request.aborted': 'The request was aborted',
  'request.size.invalid': 'The request body size does not match its Content-Length',
};

/**
 * Client errors raised before Nest sees the request (body-parser, raw-body, express): an
 * http-errors object with a 4xx `status`, `expose: true` and a `type`. Only Nest maps
 * SyntaxError itself; the others (413, 415, ...) would otherwise become a 500.
 */
function fromBodyParserError(exception: unknown): ErrorBody | undefined {
  if (typeof exception !== 'object' || exception === null) {
    return undefined;
  }
  const { status, expose, type, limit } = exception as Record<string, unknown>;
  if (typeof status !== 'number' || status < 400 || status > 499 || expose !== true) {
    return undefined;
  }
  let message =
    (typeof type === 'string' ? BODY_ERROR_MESSAGES[type] : undefined) ??
    'The request could not be read';
  if (type === 'entity.too.large' && typeof limit === 'number') {
    message = `The request body is larger than ${limit} bytes`;
  }
  return { status, error: STATUS_CODES[status] ?? `http_${status}`, message };
}

/**
 * The id pino-http gave the request (logging.module.ts), or failing that the X-Request-Id
 * already answered. Errors raised before the logging middleware ran (the body parsers run
 * first) have neither; their body then carries no request_id rather than an id no log has.
 */
function requestIdOf(request: Request, response: Response): string | undefined {
  if (typeof request.id === 'string' && request.id !== '') {
    return request.id;
  }
  const header = response.getHeader('X-Request-Id');
  return typeof header === 'string' && header !== '' ? header : undefined;
}

/** The body of an error a client caused, or undefined for an unexpected one. */
function known(exception: unknown): ErrorBody | undefined {
  if (exception instanceof SignetError) {
    return { status: exception.status, error: exception.error, message: exception.message };
  }
  if (exception instanceof HttpException) {
    return fromHttpException(exception);
  }
  return fromBodyParserError(exception);
}

/**
 * The one exception filter: CONTRACT §2 body shapes (RFC 6749 §5.2 on /oauth/*) plus the
 * request id, the RFC 6750 WWW-Authenticate challenges and Retry-After. Anything unexpected
 * becomes a generic 500, logged with the request id and never shown to the client.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    if (response.headersSent) {
      return;
    }
    const requestId = requestIdOf(request, response);
    const body = this.describe(exception, request, requestId);
    // Issue 7 item 7: every error body carries the id of the X-Request-Id header and log lines.
    const id = requestId === undefined ? {} : { request_id: requestId };
    this.setHeaders(exception, response);
    if (request.path.startsWith('/oauth/')) {
      // RFC 6749 §5.1: token responses and their errors must not be cached. Clients ignore
      // members of the §5.2 error body they do not know, such as request_id.
      response.setHeader('Cache-Control', 'no-store');
      response
        .status(body.status)
        .json({ error: body.error, error_description: body.message, ...id });
      return;
    }
    response
      .status(body.status)
      .json({ statusCode: body.status, error: body.error, message: body.message, ...id });
  }

  private describe(exception: unknown, request: Request, requestId?: string): ErrorBody {
    const body = known(exception);
    if (!body) {
      return this.internal(exception, request, requestId);
    }
    // RFC 6749 §5.2: a malformed request to an OAuth endpoint is invalid_request.
    if (request.path.startsWith('/oauth/') && body.error === 'bad_request') {
      return { ...body, error: 'invalid_request' };
    }
    return body;
  }

  /** Anything unexpected: logged with the request id, never shown to the client. */
  private internal(exception: unknown, request: Request, requestId?: string): ErrorBody {
    this.logger.error(
      { err: exception, requestId, method: request.method, path: request.path },
      'Unhandled error',
    );
    // The body's request_id leads an operator to this log line.
    return { status: 500, error: 'internal_error', message: 'Internal error' };
  }

  private setHeaders(exception: unknown, response: Response): void {
    if (exception instanceof MissingTokenError) {
      response.setHeader('WWW-Authenticate', 'Bearer realm="signet"');
    } else if (exception instanceof InvalidTokenError) {
      response.setHeader('WWW-Authenticate', 'Bearer realm="signet", error="invalid_token"');
    } else if (exception instanceof InsufficientScopeError) {
      const scope = exception.requiredScopes.join(' ');
      response.setHeader('WWW-Authenticate', `Bearer error="insufficient_scope", scope="${scope}"`);
    } else if (exception instanceof TooManyAttemptsError) {
      response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    } else if (exception instanceof OAuthError && exception.basicChallenge) {
      response.setHeader('WWW-Authenticate', 'Basic realm="signet"');
    }
  }
}
