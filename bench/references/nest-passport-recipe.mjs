// Reference: the typical recipe. A minimal NestJS app guarding GET /pets/:id with
// @nestjs/passport + passport-jwt + jwks-rsa (keys fetched from Signet's JWKS and cached),
// plus a scope guard. GET /public/pets/:id is the same handler without guards.
// Plain ESM, so the decorators are applied by hand.
import 'reflect-metadata';
import { Controller, Get, Injectable, Module, Param, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthGuard, PassportModule, PassportStrategy } from '@nestjs/passport';
import { passportJwtSecret } from 'jwks-rsa';
import { ExtractJwt, Strategy } from 'passport-jwt';

const { PORT, JWKS_URI, ISSUER, AUDIENCE } = process.env;

class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor() {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: passportJwtSecret({
        cache: true,
        rateLimit: true,
        jwksRequestsPerMinute: 10,
        jwksUri: JWKS_URI,
      }),
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['RS256'],
    });
  }

  validate(payload) {
    return { sub: payload.sub, scopes: String(payload.scope ?? '').split(' ') };
  }
}
Injectable()(JwtStrategy);

class ScopesGuard {
  canActivate(context) {
    return context.switchToHttp().getRequest().user?.scopes.includes('pets:read') === true;
  }
}
Injectable()(ScopesGuard);

function pet(id) {
  return { id, name: 'Rex', species: 'dog', age: 3, status: 'available' };
}

function route(controller, path, ...methodDecorators) {
  const descriptor = Object.getOwnPropertyDescriptor(controller.prototype, 'get');
  for (const decorate of [Get(':id'), ...methodDecorators]) {
    decorate(controller.prototype, 'get', descriptor);
  }
  Param('id')(controller.prototype, 'get', 0);
  Controller(path)(controller);
}

class PetsController {
  get(id) {
    return pet(id);
  }
}
route(PetsController, 'pets', UseGuards(AuthGuard('jwt'), ScopesGuard));

class PublicPetsController {
  get(id) {
    return pet(id);
  }
}
route(PublicPetsController, 'public/pets');

class AppModule {}
Module({
  imports: [PassportModule],
  controllers: [PetsController, PublicPetsController],
  providers: [JwtStrategy, ScopesGuard],
})(AppModule);

const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
await app.listen(Number(PORT), '127.0.0.1');
