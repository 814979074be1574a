import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * The request's id (its X-Request-Id), for a log line written while handling it: Signet binds
 * no logger to the request's async context (AsyncLocalStorage costs every promise ~10 %), so a
 * service that logs inside a request is given the id and writes it as `requestId`, as the error
 * filter does (the request's own line has it as `req.id`).
 */
export const RequestId = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string =>
    context.switchToHttp().getRequest<FastifyRequest>().id,
);
