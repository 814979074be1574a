import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { Readable, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import {
  BadRequestError,
  PayloadTooLargeError,
  SignetError,
  UnsupportedMediaTypeError,
} from '../errors/signet.errors';
import { AllExceptionsFilter } from '../errors/all-exceptions.filter';
import { BODY_LIMIT } from './body-limit';

/**
 * Fastify's own client errors (body limit, content length, a bad URL, an unreadable body) as
 * Signet errors with safe messages: theirs may quote what the client sent.
 */
export function clientErrorOf(error: unknown): SignetError | undefined {
  // Not `instanceof Error`: errors made inside Node (zlib's) may come from another realm.
  if (error instanceof SignetError || typeof error !== 'object' || error === null) {
    return undefined;
  }
  const { statusCode, code } = error as Partial<FastifyError>;
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode > 499) {
    return undefined;
  }
  switch (typeof code === 'string' ? code : '') {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PayloadTooLargeError(`The request body is larger than ${BODY_LIMIT} bytes`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UnsupportedMediaTypeError('The request body content type is not supported');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new BadRequestError(
        'bad_request',
        'The request body size does not match its Content-Length',
      );
    case 'FST_ERR_BAD_URL':
      return new BadRequestError('bad_request', 'The request path is not validly percent-encoded');
    default:
      // A corrupt compressed body, an aborted upload.
      return new BadRequestError('bad_request', 'The request could not be read');
  }
}

/**
 * Fastify as Nest's HTTP server. Nest installs one error handler for what Fastify raises before a
 * route runs and answers it through the global filter; this adapter first turns Fastify's client
 * errors into Signet's (clientErrorOf), so their bodies are Signet's too.
 */
class SignetFastifyAdapter extends FastifyAdapter {
  override setErrorHandler(
    handler: Parameters<FastifyAdapter['setErrorHandler']>[0],
  ): ReturnType<FastifyAdapter['setErrorHandler']> {
    return super.setErrorHandler(function (this: FastifyInstance, error, request, reply) {
      return handler.call(this, clientErrorOf(error) ?? error, request, reply) as unknown;
    } as typeof handler);
  }
}

/** The HTTP server, with what must be known before any route is added. */
export function createHttpAdapter(options: {
  trustProxy: boolean;
  genReqId: (request: IncomingMessage) => string;
}): FastifyAdapter {
  const adapter = new SignetFastifyAdapter({
    bodyLimit: BODY_LIMIT,
    trustProxy: options.trustProxy,
    genReqId: options.genReqId,
    routerOptions: {
      // As with Express before: /pets/ is /pets, and a path parameter is as long as the URL
      // allows (an over-long id is a 404, not a 414).
      ignoreTrailingSlash: true,
      maxParamLength: 16 * 1024,
    },
    // A URL Fastify cannot route (a bad percent-encoding) is answered like any other client
    // error; Fastify's own answer would quote it.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) =>
      new AllExceptionsFilter().answer(clientErrorOf(error) ?? error, request, reply),
    // pino-http writes the log lines (logging.module.ts); Fastify's own logger stays off.
    logger: false,
    // Longer than the idle timeout of load balancers and HTTP clients' pools (60 s is common),
    // so the server never closes a kept-alive connection a client is about to reuse.
    keepAliveTimeout: 65_000,
    // Node's own default, which Fastify would otherwise turn off: a client that trickles its
    // request (slowloris) is cut off after five minutes.
    requestTimeout: 300_000,
  });
  adapter.getInstance().addHook('preParsing', decompress);
  return adapter;
}

const DECOMPRESSORS: Record<string, () => Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/**
 * Compressed bodies are inflated before they are parsed, as Express's body parsers did. The body
 * limit then applies to the inflated bytes (no zip bomb); an unknown encoding is a 415.
 */
function decompress(
  request: FastifyRequest,
  _reply: FastifyReply,
  payload: Readable,
  done: (error: Error | null, payload?: Readable) => void,
): void {
  const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity') {
    done(null, payload);
    return;
  }
  const decompressor = DECOMPRESSORS[encoding];
  if (!decompressor) {
    done(new UnsupportedMediaTypeError('The request body content encoding is not supported'));
    return;
  }
  const inflated = Object.assign(decompressor(), { receivedEncodedLength: 0 });
  payload.on('data', (chunk: Buffer) => {
    inflated.receivedEncodedLength += chunk.length;
  });
  payload.on('error', (error) => inflated.destroy(error));
  done(null, payload.pipe(inflated));
}
