import { Injectable } from '@nestjs/common';
import { Client } from '../clients/client.entity';
import { OAuthError } from '../common/errors/signet.errors';
import { looksOpaque, OpaqueTokensService } from '../tokens/opaque/opaque-tokens.service';
import { OAuthForm } from './form';

/**
 * RFC 7009. Opaque access tokens are revoked at once, and only by the client they were
 * issued to. A JWT access token is stateless (it lives until it expires) and login refresh
 * tokens are revoked with /auth/logout, so for those there is nothing to do — still 200.
 */
@Injectable()
export class RevocationService {
  constructor(private readonly opaqueTokens: OpaqueTokensService) {}

  async revoke(client: Client, form: OAuthForm): Promise<void> {
    const token = form.token;
    if (token === undefined || token === '') {
      throw new OAuthError('invalid_request', 'token is required');
    }
    if (looksOpaque(token)) {
      await this.opaqueTokens.revoke(token, client.clientId);
    }
  }
}
