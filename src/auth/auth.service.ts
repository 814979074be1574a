import { Injectable } from '@nestjs/common';
import { BadRequestError, InvalidCredentialsError } from '../common/errors/signet.errors';
import { MetricsService } from '../metrics/metrics.service';
import { AccessTokenIssuer } from '../tokens/access-token.issuer';
import { UsersService } from '../users/users.service';
import { LoginDto } from './dto/login.dto';
import { MeResponse } from './dto/me.response';
import { TokenResponse } from './dto/token.response';
import { AuthenticatedPrincipal } from './principal';
import { RefreshTokensService } from './refresh-tokens/refresh-tokens.service';
import { formatScopes, parseScopeString } from './scopes';
import { LoginThrottleService } from './throttle/login-throttle.service';

/** The client_id of tokens issued by /auth/login (CONTRACT §3). */
export const LOGIN_CLIENT_ID = 'signet-login';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly throttle: LoginThrottleService,
    private readonly issuer: AccessTokenIssuer,
    private readonly refreshTokens: RefreshTokensService,
    private readonly metrics: MetricsService,
  ) {}

  async login(dto: LoginDto, clientAddress: string): Promise<TokenResponse> {
    await this.throttle.assertAllowed(dto.username, clientAddress);
    const user = await this.users.verifyCredentials(dto.username, dto.password);
    if (!user) {
      this.metrics.loginFailures.inc({ reason: 'invalid_credentials' });
      await this.throttle.recordFailure(dto.username, clientAddress);
      throw new InvalidCredentialsError();
    }
    await this.throttle.recordSuccess(dto.username);
    const scopes = this.grantedScopes(user.scopes, dto.scope);
    const access = await this.issuer.issue({
      grant: 'login',
      sub: user.id,
      clientId: LOGIN_CLIENT_ID,
      scopes,
      username: user.username,
    });
    const refreshToken = await this.refreshTokens.issue(user.id, access.scope);
    return {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
      scope: access.scope,
      refresh_token: refreshToken,
    };
  }

  me(principal: AuthenticatedPrincipal): MeResponse {
    return {
      sub: principal.sub,
      ...(principal.username === undefined ? {} : { username: principal.username }),
      client_id: principal.clientId,
      scope: formatScopes(principal.scopes),
    };
  }

  /** The requested scopes, each of which the user must hold; none requested → all of them. */
  private grantedScopes(userScopes: string[], requested: string | undefined): string[] {
    if (requested === undefined || requested.trim() === '') {
      return userScopes;
    }
    const scopes = parseScopeString(requested);
    const missing = scopes.filter((s) => !userScopes.includes(s));
    if (missing.length > 0) {
      throw new BadRequestError(
        'invalid_scope',
        `Scope not granted to this user: ${missing.join(' ')}`,
      );
    }
    return scopes;
  }
}
