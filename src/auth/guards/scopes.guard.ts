import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { InsufficientScopeError } from '../../common/errors/signet.errors';
import { IS_PUBLIC_KEY } from '../decorators/public.decorator';
import { REQUIRED_SCOPES_KEY } from '../decorators/scopes.decorator';
import { AuthenticatedPrincipal } from '../principal';
import { Scope } from '../scopes';

/** Runs after AccessTokenGuard: every scope listed by @Scopes() must be granted (403). */
@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) {
      return true;
    }
    const required =
      this.reflector.getAllAndOverride<Scope[] | undefined>(REQUIRED_SCOPES_KEY, targets) ?? [];
    const principal = context.switchToHttp().getRequest<Request>().user as
      AuthenticatedPrincipal | undefined;
    const granted = principal?.scopes ?? [];
    if (required.some((scope) => !granted.includes(scope))) {
      // RFC 6750 §3.1: insufficient_scope → 403 naming what the route needs.
      throw new InsufficientScopeError(required);
    }
    return true;
  }
}
