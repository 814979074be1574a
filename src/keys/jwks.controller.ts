import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/decorators/public.decorator';
import { KeyStore } from './key-store.service';

/** Clients and gateways may cache the key set this long; `next` keys are published a rotation ahead. */
const JWKS_MAX_AGE_SECONDS = 300;

@ApiTags('discovery')
@Public()
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: KeyStore) {}

  /** The public keys (RFC 7517), served from a buffer rebuilt only when keys change. */
  @Get('jwks.json')
  @ApiOkResponse({ description: 'JWK Set of the published signing keys' })
  jwks(
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): void {
    const { body, etag } = this.keys.jwks();
    reply.header('Cache-Control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`).header('ETag', etag);
    if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim() === etag)) {
      void reply.status(304).send();
      return;
    }
    void reply.header('Content-Type', 'application/json; charset=utf-8').status(200).send(body);
  }
}
