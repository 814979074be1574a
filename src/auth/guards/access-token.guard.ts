import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import {
  InvalidTokenError,
  MissingTokenError,
  SignetError,
} from '../../common/errors/signet.errors';
import { authorizationValues, parseBearer } from '../../common/http/authorization-header';
import { isCanonicalJwsCompact } from '../../common/http/jws-compact';
import { MetricsService } from '../../metrics/metrics.service';
import { AccessTokenVerifier, TokenRejection } from '../../tokens/access-token.verifier';
import { looksOpaque, OpaqueTokensService } from '../../tokens/opaque/opaque-tokens.service';
import { ACCESS_TOKEN_STRATEGY, BEARER, RequestWithBearer } from '../access-token.strategy';
import { AuthenticatedPrincipal, principalFromClaims } from '../principal';
import { RoutePolicies } from '../route-policy';
import { VerifiedTokenCache } from '../verified-token.cache';

/** Deny by default: every route needs a valid access token unless it is @Public() (401). */
@Injectable()
export class AccessTokenGuard extends AuthGuard(ACCESS_TOKEN_STRATEGY) {
  /** The counter's child for the common outcome, bound once. */
  private readonly valid: { inc(): void };

  constructor(
    private readonly policies: RoutePolicies,
    private readonly metrics: MetricsService,
    private readonly verifier: AccessTokenVerifier,
    private readonly opaqueTokens: OpaqueTokensService,
    private readonly verifiedTokens: VerifiedTokenCache,
  ) {
    super();
    this.valid = metrics.tokenVerifications.labels({ outcome: 'valid' });
  }

  override canActivate(context: ExecutionContext): Promise<boolean> | boolean {
    if (this.policies.of(context).isPublic) {
      return true;
    }
    const request = context.switchToHttp().getRequest<RequestWithBearer>();
    const credentials = parseBearer(authorizationValues(request.raw.rawHeaders));
    if (credentials.kind === 'none') {
      this.metrics.tokenVerifications.inc({ outcome: 'missing' });
      throw new MissingTokenError();
    }
    if (credentials.kind === 'malformed') {
      this.metrics.tokenVerifications.inc({ outcome: 'malformed' });
      throw new InvalidTokenError(credentials.reason);
    }
    if (looksOpaque(credentials.token)) {
      return this.authenticateOpaque(request, credentials.token);
    }
    // A token verified before skips passport (synchronously), until it expires or its key is
    // unpublished.
    const cached = this.verifiedTokens.get(credentials.token);
    if (cached) {
      this.valid.inc();
      request.user = cached;
      return true;
    }
    return this.authenticateJwt(context, request, credentials.token);
  }

  private async authenticateJwt(
    context: ExecutionContext,
    request: RequestWithBearer,
    token: string,
  ): Promise<boolean> {
    if (!isCanonicalJwsCompact(token)) {
      this.metrics.tokenVerifications.inc({ outcome: 'malformed' });
      throw new InvalidTokenError('malformed');
    }
    request[BEARER] = { token, verifier: this.verifier };
    const allowed = (await super.canActivate(context)) as boolean;
    this.verifiedTokens.remember(token, request.user as AuthenticatedPrincipal);
    return allowed;
  }

  /** Opaque tokens are not JWTs: they are looked up in-process, so revocation holds at once. */
  private async authenticateOpaque(request: RequestWithBearer, token: string): Promise<boolean> {
    const verification = await this.opaqueTokens.verify(token);
    const principal = verification.ok ? principalFromClaims(verification.claims) : undefined;
    request.user = this.handleRequest(
      undefined,
      principal ?? false,
      verification.ok ? undefined : new TokenRejection(verification.reason),
    );
    return true;
  }

  override handleRequest<T = AuthenticatedPrincipal>(
    error: unknown,
    principal: T | false,
    info: unknown,
  ): T {
    if (error instanceof SignetError) {
      throw error;
    }
    if (error) {
      throw error instanceof Error ? error : new Error('authentication failed');
    }
    if (!principal) {
      const reason = info instanceof TokenRejection ? info.reason : 'event_token_at_http_route';
      this.metrics.tokenVerifications.inc({ outcome: reason });
      throw new InvalidTokenError(
        reason,
        reason === 'expired' ? 'The access token expired' : undefined,
      );
    }
    this.valid.inc();
    return principal;
  }
}
