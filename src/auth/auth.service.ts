import { Injectable } from '@nestjs/common';
import {
  BadRequestError,
  ForbiddenError,
  InvalidCredentialsError,
  InvalidGrantError,
} from '../common/errors/signet.errors';
import { MetricsService } from '../metrics/metrics.service';
import { AccessTokenIssuer } from '../tokens/access-token.issuer';
import { UsersService } from '../users/users.service';
import { ChangePasswordDto } from './dto/change-password.dto';
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
    const refreshToken = await this.refreshTokens.issue(user.id, formatScopes(scopes));
    return this.tokenResponse(user, scopes, refreshToken, 'login');
  }

  /** Rotates a refresh token; the new access token keeps the login's scopes the user still has. */
  async refresh(refreshToken: string, requestId?: string): Promise<TokenResponse> {
    const rotated = await this.refreshTokens.rotate(refreshToken, requestId);
    const user = await this.users.findActive(rotated.userId);
    if (!user) {
      throw new InvalidGrantError('refresh_user_deleted');
    }
    const scopes = parseScopeString(rotated.scope).filter((s) => user.scopes.includes(s));
    return this.tokenResponse(user, scopes, rotated.refreshToken, 'refresh_token');
  }

  async logout(refreshToken: string): Promise<void> {
    await this.refreshTokens.revokeChainOf(refreshToken);
  }

  /** CONTRACT §5: a password change revokes every refresh token of the user. */
  async changePassword(principal: AuthenticatedPrincipal, dto: ChangePasswordDto): Promise<void> {
    if (principal.clientId !== LOGIN_CLIENT_ID || principal.username === undefined) {
      throw new ForbiddenError('Only a user token can change a password');
    }
    const changed = await this.users.changePassword(
      principal.sub,
      dto.current_password,
      dto.new_password,
    );
    if (!changed) {
      throw new InvalidCredentialsError(400, 'The current password is wrong');
    }
    await this.refreshTokens.revokeAllOfUser(principal.sub);
  }

  private async tokenResponse(
    user: { id: string; username: string },
    scopes: string[],
    refreshToken: string,
    grant: string,
  ): Promise<TokenResponse> {
    const access = await this.issuer.issue({
      grant,
      sub: user.id,
      clientId: LOGIN_CLIENT_ID,
      scopes,
      username: user.username,
    });
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
