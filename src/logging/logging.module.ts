import { Module } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { LevelWithSilent, Logger, pino } from 'pino';
import { pinoHttp } from 'pino-http';
import { SignetConfig } from '../config/signet-config';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

// Never log credentials: headers that carry them, and any field that might, at the top of a line
// or one level down (`*.password` alone does not match a top-level `password`).
const CREDENTIAL_FIELDS = [
  'password',
  'current_password',
  'new_password',
  'client_secret',
  'client_assertion',
  'access_token',
  'refresh_token',
  'subject_token',
  'token',
  'privateKey',
  'private_key_pem',
  'passphrase',
];
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  ...CREDENTIAL_FIELDS,
  ...CREDENTIAL_FIELDS.map((field) => `*.${field}`),
];

/**
 * The request logger (pino-http). configureApp runs it in the first Fastify onRequest hook, so
 * every request has its log line before anything can refuse it, the body parsers included;
 * nestjs-pino writes Nest's and the services' lines through its parent, which redacts.
 */
export const HTTP_LOGGER = Symbol('HTTP_LOGGER');
const SERVICE_LOGGER = Symbol('SERVICE_LOGGER');

/**
 * The request's id (Fastify's genReqId): the caller's X-Request-Id when it is well formed, else a
 * fresh UUID. The X-Request-Id response header (app.setup.ts), the log lines and the error
 * bodies all carry it.
 */
export function requestIdFor(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * Nest's and the services' lines: whatever fields they log, credentials are redacted. Lines go
 * to stdout without blocking the event loop: while one write is in flight, the next lines wait
 * and leave together (one write per batch instead of one per request under load). Lines still
 * buffered when the process exits are written then, synchronously (pino's exit handler).
 */
function serviceLogger(config: SignetConfig): Logger {
  return pino(
    { level: config.logLevel, redact: { paths: REDACT, censor: '[redacted]' } },
    pino.destination({ dest: 1, sync: false }),
  );
}

/** Response headers a request line keeps: its id, its size, and why a client was refused. */
const LOGGED_RESPONSE_HEADERS = [
  'x-request-id',
  'content-length',
  'location',
  'retry-after',
  'www-authenticate',
];

function httpLogger(logger: Logger) {
  return pinoHttp<IncomingMessage, ServerResponse, never>({
    logger,
    // A request line holds only what these serializers pick (the request's id, method and path;
    // the status and Signet's own response headers, which carry no credential), so it has nothing
    // to redact. Without the paths above, the child logger made for every request no longer runs
    // them over its bindings: ~12 µs of every request (6 % of a guarded read).
    redact: [],
    // Fastify has given the request its id (requestIdFor) before any middleware runs.
    genReqId: (request: IncomingMessage) => request.id ?? requestIdFor(request),
    customLogLevel: (
      _request: IncomingMessage,
      response: ServerResponse,
      error?: Error,
    ): LevelWithSilent =>
      error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
    serializers: {
      req: (request: { id: unknown; method: string; url: string }) => ({
        id: request.id,
        method: request.method,
        // The query string may carry anything a client typed; log the path only.
        path: request.url.split('?')[0],
      }),
      // Not every header: the security headers are the same on every answer.
      res: (response: { statusCode: number; headers?: Record<string, unknown> }) => {
        const headers: Record<string, unknown> = {};
        for (const name of LOGGED_RESPONSE_HEADERS) {
          if (response.headers?.[name] !== undefined) {
            headers[name] = response.headers[name];
          }
        }
        return { statusCode: response.statusCode, headers };
      },
    },
  });
}

export type HttpLoggerMiddleware = ReturnType<typeof httpLogger>;

/** Structured JSON logs (pino) with a request id on every line. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      providers: [
        { provide: SERVICE_LOGGER, inject: [SignetConfig], useFactory: serviceLogger },
        { provide: HTTP_LOGGER, inject: [SERVICE_LOGGER], useFactory: httpLogger },
      ],
      inject: [SERVICE_LOGGER],
      useFactory: (logger: Logger) => ({
        pinoHttp: { logger },
        useExisting: true,
        // No per-request logger bound through AsyncLocalStorage: on Node 20 it puts a hook on
        // every promise (~13 % of a token request). A service logging inside a request is given
        // its id (common/http/request-id.decorator.ts).
        forRoutes: [],
      }),
    }),
  ],
})
export class LoggingModule {}
