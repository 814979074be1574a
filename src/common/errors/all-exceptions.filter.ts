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
  if (typeof response === 'object' && response !== null && 'message' in response) {
    const raw: unknown = response.message;
    message = Array.isArray(raw) ? raw.map(String).join('; ') : String(raw);
  }
  if (status === 404 && /^Cannot (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)/.test(message)) {
    message = 'No such route';
  }
  if (status === 400 && /JSON|Unexpected token|position \d+/i.test(message)) {
    // body-parser's message quotes the client's bytes; say what is wrong instead.
    message = 'The request body is not valid JSON';
  }
  return { status, error: STATUS_CODES[status] ?? `http_${status}`, message };
}

/**
 * The one exception filter: CONTRACT §2 body shapes (RFC 6749 §5.2 on /oauth/*), the
 * RFC 6750 WWW-Authenticate challenges and Retry-After. Anything unexpected becomes a
 * generic 500, logged with the request id and never shown to the client.
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
    const body = this.describe(exception, request);
    this.setHeaders(exception, response);
    if (request.path.startsWith('/oauth/')) {
      response.status(body.status).json({ error: body.error, error_description: body.message });
      return;
    }
    response
      .status(body.status)
      .json({ statusCode: body.status, error: body.error, message: body.message });
  }

  private describe(exception: unknown, request: Request): ErrorBody {
    if (exception instanceof SignetError) {
      return { status: exception.status, error: exception.error, message: exception.message };
    }
    if (exception instanceof HttpException) {
      const body = fromHttpException(exception);
      if (request.path.startsWith('/oauth/') && body.status === 400) {
        return { ...body, error: 'invalid_request' };
      }
      return body;
    }
    const requestId = typeof request.id === 'string' ? request.id : '';
    this.logger.error(
      { err: exception, requestId, method: request.method, path: request.path },
      'Unhandled error',
    );
    return {
      status: 500,
      error: 'internal_error',
      message: `Internal error (request ${requestId})`,
    };
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
    if (exception instanceof OAuthError) {
      // RFC 6749 §5.1: token responses and their errors must not be cached.
      response.setHeader('Cache-Control', 'no-store');
    }
  }
}
