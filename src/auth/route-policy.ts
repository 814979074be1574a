import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC_KEY } from './decorators/public.decorator';
import { REQUIRED_SCOPES_KEY } from './decorators/scopes.decorator';
import { Scope } from './scopes';

/** What a route's decorators say about access: @Public() on it or its class, and @Scopes(). */
export interface RoutePolicy {
  readonly isPublic: boolean;
  readonly requiredScopes: readonly Scope[];
}

/**
 * Route policies, read from the decorators once per controller method. Decorator metadata is
 * fixed when the classes load, so both global guards read it here instead of asking the
 * Reflector on every request.
 */
@Injectable()
export class RoutePolicies {
  private readonly byClass = new WeakMap<object, WeakMap<object, RoutePolicy>>();

  constructor(private readonly reflector: Reflector) {}

  of(context: ExecutionContext): RoutePolicy {
    const handler = context.getHandler();
    const type = context.getClass();
    let byHandler = this.byClass.get(type);
    if (!byHandler) {
      byHandler = new WeakMap();
      this.byClass.set(type, byHandler);
    }
    let policy = byHandler.get(handler);
    if (!policy) {
      const targets = [handler, type];
      policy = {
        isPublic: this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets) ?? false,
        requiredScopes:
          this.reflector.getAllAndOverride<Scope[] | undefined>(REQUIRED_SCOPES_KEY, targets) ?? [],
      };
      byHandler.set(handler, policy);
    }
    return policy;
  }
}
