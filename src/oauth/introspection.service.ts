import { Injectable } from '@nestjs/common';
import { Client } from '../clients/client.entity';
import { OAuthError } from '../common/errors/signet.errors';
import { Clock } from '../common/clock';
import { SignetConfig } from '../config/signet-config';
import { AccessTokenIssuer } from '../tokens/access-token.issuer';
import { AccessTokenVerifier, Verification } from '../tokens/access-token.verifier';
import { looksOpaque, OpaqueTokensService } from '../tokens/opaque/opaque-tokens.service';
import { OAuthForm } from './form';

export type IntrospectionFormat = 'json' | 'jwt' | 'phantom';

export interface IntrospectionAnswer {
  contentType: string;
  body: string | Record<string, unknown>;
}

const INACTIVE = { active: false } as const;
/** RFC 9701 responses are short-lived statements about a token. */
const INTROSPECTION_JWT_TTL_SECONDS = 60;

/** RFC 7662 introspection, its RFC 9701 signed form, and the phantom-token swap. */
@Injectable()
export class IntrospectionService {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly opaqueTokens: OpaqueTokensService,
    private readonly issuer: AccessTokenIssuer,
    private readonly config: SignetConfig,
    private readonly clock: Clock,
  ) {}

  async introspect(
    client: Client,
    form: OAuthForm,
    format: IntrospectionFormat,
  ): Promise<IntrospectionAnswer> {
    const token = form.token;
    if (token === undefined || token === '') {
      throw new OAuthError('invalid_request', 'token is required');
    }
    const verification = await this.verify(token);
    if (format === 'jwt') {
      return {
        contentType: 'application/token-introspection+jwt',
        body: await this.signed(client, verification),
      };
    }
    if (format === 'phantom' && verification.ok) {
      // The phantom-token swap: an API gateway trades an opaque token for a JWT with its claims.
      const jwt = looksOpaque(token)
        ? await this.issuer.sign(
            {
              ...verification.claims.raw,
              exp: verification.claims.exp,
              iat: verification.claims.iat,
            },
            'at+jwt',
          )
        : token;
      return { contentType: 'application/jwt', body: jwt };
    }
    return { contentType: 'application/json', body: this.json(verification) };
  }

  private async verify(token: string): Promise<Verification> {
    if (token.length > 8192) {
      return { ok: false, reason: 'malformed' };
    }
    // Introspection answers for any audience: resource servers ask about their own tokens.
    return looksOpaque(token)
      ? this.opaqueTokens.verify(token, null)
      : this.verifier.verify(token, null);
  }

  private json(verification: Verification): Record<string, unknown> {
    if (!verification.ok) {
      return INACTIVE;
    }
    return { active: true, ...verification.claims.raw, token_type: 'Bearer' };
  }

  /** RFC 9701 §5: iss, aud (the asking client), iat, and token_introspection. */
  private signed(client: Client, verification: Verification): Promise<string> {
    const iat = this.clock.nowSeconds();
    return this.issuer.sign(
      {
        iss: this.config.issuer,
        aud: client.clientId,
        iat,
        exp: iat + INTROSPECTION_JWT_TTL_SECONDS,
        token_introspection: this.json(verification),
      },
      'token-introspection+jwt',
    );
  }
}
