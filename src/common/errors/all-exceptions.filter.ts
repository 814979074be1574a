import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
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

/** Nest's own exceptions (validation, unknown route) in Signet's vocabulary. */
function fromHttpException(exception: HttpException): ErrorBody {
  const status = exception.getStatus();
  const response = exception.getResponse();
  let message = exception.message;
  if (typeof response === 'object' && response !== null && 'message' in response) {
    const raw: unknown = response.message;
    // The global ValidationPipe answers a list of constraints; Nest's other 400s one string.
    message = Array.isArray(raw) ? raw.map(String).join('; ') : String(raw);
  }
  if (status === 404 && /^Cannot (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)/.test(message)) {
    message = 'No such route';
  }
  return { status, error: STATUS_CODES[status] ?? `http_${status}`, message };
}

const pathOf = (request: FastifyRequest): string => request.url.split('?')[0];

/** The body of an error a client caused, or undefined for an unexpected one. */
function known(exception: unknown): ErrorBody | undefined {
  if (exception instanceof SignetError) {
    return { status: exception.status, error: exception.error, message: exception.message };
  }
  if (exception instanceof HttpException) {
    return fromHttpException(exception);
  }
  return undefined;
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
    this.answer(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }

  /** Also answers the errors Fastify raises before routing (http-adapter.ts). */
  answer(exception: unknown, request: FastifyRequest, reply: FastifyReply): void {
    if (reply.sent) {
      return;
    }
    // Issue 7 item 7: every error body carries the id of the X-Request-Id header and log lines.
    const requestId = request.id;
    const path = pathOf(request);
    const body = this.describe(exception, request, path, requestId);
    this.setHeaders(exception, reply);
    reply.header('X-Request-Id', requestId);
    if (path.startsWith('/oauth/')) {
      // RFC 6749 §5.1: token responses and their errors must not be cached. Clients ignore
      // members of the §5.2 error body they do not know, such as request_id.
      reply.header('Cache-Control', 'no-store');
      void reply
        .status(body.status)
        .send({ error: body.error, error_description: body.message, request_id: requestId });
      return;
    }
    void reply.status(body.status).send({
      statusCode: body.status,
      error: body.error,
      message: body.message,
      request_id: requestId,
    });
  }

  private describe(
    exception: unknown,
    request: FastifyRequest,
    path: string,
    requestId: string,
  ): ErrorBody {
    const body = known(exception);
    if (!body) {
      return this.internal(exception, request.method, path, requestId);
    }
    // RFC 6749 §5.2: a malformed request to an OAuth endpoint is invalid_request.
    if (path.startsWith('/oauth/') && body.error === 'bad_request') {
      return { ...body, error: 'invalid_request' };
    }
    return body;
  }

  /** Anything unexpected: logged with the request id, never shown to the client. */
  private internal(exception: unknown, method: string, path: string, requestId: string): ErrorBody {
    this.logger.error({ err: exception, requestId, method, path }, 'Unhandled error');
    // The body's request_id leads an operator to this log line.
    return { status: 500, error: 'internal_error', message: 'Internal error' };
  }

  private setHeaders(exception: unknown, reply: FastifyReply): void {
    if (exception instanceof MissingTokenError) {
      reply.header('WWW-Authenticate', 'Bearer realm="signet"');
    } else if (exception instanceof InvalidTokenError) {
      reply.header('WWW-Authenticate', 'Bearer realm="signet", error="invalid_token"');
    } else if (exception instanceof InsufficientScopeError) {
      const scope = exception.requiredScopes.join(' ');
      reply.header('WWW-Authenticate', `Bearer error="insufficient_scope", scope="${scope}"`);
    } else if (exception instanceof TooManyAttemptsError) {
      reply.header('Retry-After', String(exception.retryAfterSeconds));
    } else if (exception instanceof OAuthError && exception.basicChallenge) {
      reply.header('WWW-Authenticate', 'Basic realm="signet"');
    }
  }
}
