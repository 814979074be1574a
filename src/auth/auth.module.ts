import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { KeysModule } from '../keys/keys.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { AccessTokenStrategy } from './access-token.strategy';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { AccessTokenGuard } from './guards/access-token.guard';
import { ScopesGuard } from './guards/scopes.guard';
import { RoutePolicies } from './route-policy';
import { VerifiedTokenCache } from './verified-token.cache';
import { RefreshToken } from './refresh-tokens/refresh-token.entity';
import { RefreshTokensRepository } from './refresh-tokens/refresh-tokens.repository';
import { RefreshTokensService } from './refresh-tokens/refresh-tokens.service';
import { LoginThrottle } from './throttle/login-throttle.entity';
import { LoginThrottleRepository } from './throttle/login-throttle.repository';
import { LoginThrottleService } from './throttle/login-throttle.service';

@Module({
  imports: [
    PassportModule,
    KeysModule,
    TokensModule,
    UsersModule,
    TypeOrmModule.forFeature([LoginThrottle, RefreshToken]),
  ],
  controllers: [AuthController],
  exports: [RefreshTokensService, LoginThrottleService],
  providers: [
    AuthService,
    AccessTokenStrategy,
    VerifiedTokenCache,
    RoutePolicies,
    LoginThrottleRepository,
    LoginThrottleService,
    RefreshTokensRepository,
    RefreshTokensService,
    // Global guards run in registration order: who you are (401) before what you may do (403),
    // so a request without a valid token never learns which scopes a route needs.
    { provide: APP_GUARD, useClass: AccessTokenGuard },
    { provide: APP_GUARD, useClass: ScopesGuard },
  ],
})
export class AuthModule {}
