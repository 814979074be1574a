import { BadRequestException, INestApplication, ValidationPipe } from '@nestjs/common';
import type { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import {
  BadRequestError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from './common/errors/signet.errors';
import { BODY_LIMIT } from './common/http/body-limit';
import { createHttpAdapter as createFastifyAdapter } from './common/http/http-adapter';
import { jsonNestingDepth, MAX_JSON_DEPTH } from './common/http/json-depth';
import { SignetConfig } from './config/signet-config';
import { HTTP_LOGGER, HttpLoggerMiddleware, requestIdFor } from './logging/logging.module';
import { httpMetrics } from './metrics/http-metrics.middleware';
import { MetricsService } from './metrics/metrics.service';

/** Form bodies with more parameters than this are answered 413 (no OAuth request comes near). */
const FORM_PARAMETER_LIMIT = 100;

/**
 * Runs on the raw JSON bytes before they are parsed. Every JSON endpoint takes an object, so
 * any other value (null, an array, a string) is refused here, and so is deep nesting: a 400,
 * never a stack overflow in the parser. An empty body is an empty object.
 */
function checkJsonBody(text: string): void {
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

/** The HTTP server (Fastify) for this configuration; main.ts and the e2e tests pass it to Nest. */
export function createHttpAdapter(config: SignetConfig): FastifyAdapter {
  return createFastifyAdapter({ trustProxy: config.trustProxy, genReqId: requestIdFor });
}

// Security headers (helmet). The API answers JSON only, so its pages may load nothing, and it
// sends the set OWASP's REST Security Cheat Sheet names for APIs: the headers that only govern
// an HTML document (DNS prefetch, IE8 downloads, Flash policies, the XSS auditor, opener and
// agent-cluster isolation) are left to the Swagger UI under /docs, which needs its own scripts
// and styles. Each header costs every request its share of writing the response.
const apiHeaders = staticHeaders(
  helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    xFrameOptions: { action: 'deny' },
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
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

/** Security headers and the request id's header, on every answer. */
function setRequestHeaders(request: FastifyRequest, reply: FastifyReply): void {
  const headers = request.url.startsWith('/docs') ? docsHeaders : apiHeaders;
  // On the raw response, where pino-http's log line reads them too.
  for (const [name, value] of headers) {
    reply.raw.setHeader(name, value);
  }
  reply.raw.setHeader('X-Request-Id', request.id);
}

/** Bodies are read as UTF-8: a request that names another charset is refused (415). */
function checkCharset(request: { headers: IncomingHttpHeaders }): void {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '');
  if (charset && charset[1].toLowerCase() !== 'utf-8') {
    throw new UnsupportedMediaTypeError('The request body charset is not supported');
  }
}

/** Form bodies as Express's urlencoded parser read them (node:querystring, repeats as arrays). */
function parseForm(
  request: { headers: IncomingHttpHeaders },
  body: Buffer,
  done: (error: Error | null, body?: unknown) => void,
): void {
  try {
    checkCharset(request);
  } catch (error) {
    done(error as Error);
    return;
  }
  const form = parseQueryString(body.toString('utf8'), '&', '=', {
    maxKeys: FORM_PARAMETER_LIMIT + 1,
  });
  if (Object.keys(form).length > FORM_PARAMETER_LIMIT) {
    done(new PayloadTooLargeError('The request body has too many parameters'));
    return;
  }
  done(null, form);
}

/** Everything an app needs besides its modules; used by main.ts and by every e2e test. */
export function configureApp(app: INestApplication): INestApplication {
  const fastify = app as NestFastifyApplication;
  const config = app.get(SignetConfig);
  const instance = fastify.getHttpAdapter().getInstance();
  fastify.useLogger(app.get(Logger));
  // First of all: the headers and the log line, whatever refuses the request later.
  const httpLogger = app.get<HttpLoggerMiddleware>(HTTP_LOGGER);
  instance.addHook('onRequest', (request, reply, done) => {
    setRequestHeaders(request, reply);
    Object.assign(request.raw, { id: request.id });
    httpLogger(request.raw, reply.raw);
    done();
  });
  instance.addHook('onResponse', httpMetrics(app.get(MetricsService)));
  if (config.corsOrigins.length > 0) {
    // Browsers may call the API from these origins; tokens travel in headers, never cookies.
    app.enableCors({
      origin: config.corsOrigins === '*' ? '*' : [...config.corsOrigins],
      credentials: false,
      exposedHeaders: ['WWW-Authenticate', 'Retry-After', 'X-Request-Id'],
      maxAge: 600,
    });
  }
  const json = instance.getDefaultJsonParser('error', 'error');
  fastify.useBodyParser('application/json', { bodyLimit: BODY_LIMIT }, (request, body, done) => {
    const text = body.toString('utf8');
    try {
      checkCharset(request);
      checkJsonBody(text);
    } catch (error) {
      done(error as Error);
      return;
    }
    if (text.trim() === '') {
      done(null, {});
      return;
    }
    void json(request as Parameters<typeof json>[0], text, (error, parsed) =>
      // Its own messages quote the client's bytes.
      error
        ? done(new BadRequestError('bad_request', 'The request body is not valid JSON'))
        : done(null, parsed),
    );
  });
  fastify.useBodyParser('application/x-www-form-urlencoded', { bodyLimit: BODY_LIMIT }, parseForm);
  // Any other body is read (within the limit) and left aside, as Express did: the endpoint then
  // says what it needs, instead of a bare 415.
  instance.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_r, _b, done) =>
    done(null, undefined),
  );
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
