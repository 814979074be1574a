import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiForbiddenResponse } from '@nestjs/swagger';
import { Scope } from '../scopes';

export const REQUIRED_SCOPES_KEY = 'signet:requiredScopes';

/** Every listed scope must be in the token. A method's list overrides its class's. */
export const Scopes = (...scopes: Scope[]): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(REQUIRED_SCOPES_KEY, scopes),
    ApiForbiddenResponse({ description: `insufficient_scope: needs ${scopes.join(' ')}` }),
  );
