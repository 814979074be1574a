import { BadRequestException, INestApplication, ValidationPipe } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { BadRequestError } from './common/errors/signet.errors';
import { jsonNestingDepth, MAX_JSON_DEPTH } from './common/http/json-depth';
import { SignetConfig } from './config/signet-config';
import { HTTP_LOGGER, HttpLoggerMiddleware } from './logging/logging.module';
import { httpMetrics } from './metrics/http-metrics.middleware';
import { MetricsService } from './metrics/metrics.service';

/** Bodies larger than this are answered 413; Signet's largest request is well under it. */
export const BODY_LIMIT = '64kb';

/**
 * Runs on the raw JSON bytes before they are parsed. Every JSON endpoint takes an object, so
 * any other value (null, an array, a string) is refused here, and so is deep nesting: a 400,
 * never a stack overflow in the parser.
 */
function checkJsonBody(_request: unknown, _response: unknown, body: Buffer): void {
  const text = body.toString('utf8');
  const first = text.trimStart().charAt(0);
  if (first !== '' && first !== '{') {
    throw new BadRequestError('bad_request', 'The request body must be a JSON object');
  }
  if (jsonNestingDepth(text) > MAX_JSON_DEPTH) {
    throw new BadRequestError(
      'bad_request',
      `The request body nests deeper than ${MAX_JSON_DEPTH} levels`,
    );
  }
}

// Security headers (helmet). The API answers JSON only, so its pages may load nothing; the
// Swagger UI under /docs needs its own scripts and styles.
const apiHeaders = staticHeaders(
  helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
  }),
);
const docsHeaders = staticHeaders(
  helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
  }),
);

/**
 * The headers a helmet configuration sets. None of the directives above depends on the
 * request, so helmet sets the same headers on every response: they are taken from helmet
 * once, at start-up, and set in one pass per request instead of through helmet's chain of
 * a dozen middlewares (the hot path of every request).
 */
function staticHeaders(middleware: ReturnType<typeof helmet>): ReadonlyArray<[string, string]> {
  const headers: [string, string][] = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => headers.push([name, String(value)]),
    removeHeader: () => undefined,
  };
  let finished = false;
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, () => {
    finished = true;
  });
  if (!finished || headers.length === 0) {
    throw new Error('helmet did not set its headers synchronously');
  }
  return headers;
}

function securityHeaders(request: Request, response: Response, next: NextFunction): void {
  const headers = request.path.startsWith('/docs') ? docsHeaders : apiHeaders;
  for (const [name, value] of headers) {
    response.setHeader(name, value);
  }
  next();
}

/** Everything an app needs besides its modules; used by main.ts and by every e2e test. */
export function configureApp(app: INestApplication): INestApplication {
  const express = app as NestExpressApplication;
  const config = app.get(SignetConfig);
  express.useLogger(app.get(Logger));
  // First of all: the request id and the log line, whatever refuses the request later.
  express.use(app.get<HttpLoggerMiddleware>(HTTP_LOGGER));
  express.set('trust proxy', config.trustProxy);
  express.disable('x-powered-by');
  // Express's automatic ETag hashes every JSON body; the JWKS, the one document clients
  // revalidate, sets its own (computed once per key change).
  express.set('etag', false);
  express.use(httpMetrics(app.get(MetricsService)));
  express.use(securityHeaders);
  if (config.corsOrigins.length > 0) {
    // Browsers may call the API from these origins; tokens travel in headers, never cookies.
    app.enableCors({
      origin: config.corsOrigins === '*' ? '*' : [...config.corsOrigins],
      credentials: false,
      exposedHeaders: ['WWW-Authenticate', 'Retry-After', 'X-Request-Id'],
      maxAge: 600,
    });
  }
  express.useBodyParser('json', { limit: BODY_LIMIT, verify: checkJsonBody });
  express.useBodyParser('urlencoded', { limit: BODY_LIMIT, extended: false, parameterLimit: 100 });
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      // A body that is not an object (null, an array, a string) is refused, not coerced.
      forbidUnknownValues: true,
      exceptionFactory: (errors) =>
        new BadRequestException(
          errors.flatMap((e) =>
            Object.values(e.constraints ?? { [e.property]: `${e.property} is invalid` }),
          ),
        ),
    }),
  );
  app.enableShutdownHooks();
  // Built on the first /docs or /docs-json request, not at start-up (cold start).
  const document = () =>
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Signet')
        .setDescription(
          'Token service and API guard: login, OAuth clients, JWKS, key rotation, pets API',
        )
        .setVersion('0.1.0')
        .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
        .build(),
    );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
