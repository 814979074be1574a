import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

type Request = FastifyRequest & { user?: unknown };
import { AuthenticatedPrincipal } from '../principal';

/** The authenticated principal the guard attached to the request. */
export const Principal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedPrincipal => {
    const request = context.switchToHttp().getRequest<Request>();
    return request.user as AuthenticatedPrincipal;
  },
);
