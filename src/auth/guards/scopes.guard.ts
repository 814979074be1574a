import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

type Request = FastifyRequest & { user?: unknown };
import { InsufficientScopeError } from '../../common/errors/signet.errors';
import { AuthenticatedPrincipal } from '../principal';
import { RoutePolicies } from '../route-policy';

/** Runs after AccessTokenGuard: every scope listed by @Scopes() must be granted (403). */
@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(private readonly policies: RoutePolicies) {}

  canActivate(context: ExecutionContext): boolean {
    const { isPublic, requiredScopes } = this.policies.of(context);
    if (isPublic || requiredScopes.length === 0) {
      return true;
    }
    const principal = context.switchToHttp().getRequest<Request>().user as
      AuthenticatedPrincipal | undefined;
    const granted = principal?.scopes ?? [];
    if (requiredScopes.some((scope) => !granted.includes(scope))) {
      // RFC 6750 §3.1: insufficient_scope → 403 naming what the route needs.
      throw new InsufficientScopeError(requiredScopes);
    }
    return true;
  }
}
