import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
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
  jwks(@Headers('if-none-match') ifNoneMatch: string | undefined, @Res() response: Response): void {
    const { body, etag } = this.keys.jwks();
    response.setHeader('Cache-Control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`);
    response.setHeader('ETag', etag);
    if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim() === etag)) {
      response.status(304).end();
      return;
    }
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.status(200).end(body);
  }
}
