import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { RefreshTokensService } from '../auth/refresh-tokens/refresh-tokens.service';
import { LoginThrottleService } from '../auth/throttle/login-throttle.service';
import { OpaqueTokensService } from '../tokens/opaque/opaque-tokens.service';

const EVERY_TEN_MINUTES = 10 * 60_000;

/**
 * Deletes what can no longer matter: expired refresh and opaque tokens, passed login-throttle
 * windows. Every instance runs it; the deletes are idempotent. (Retired signing keys and used
 * assertion jtis are removed by their own modules, which know their rules.)
 */
@Injectable()
export class MaintenanceService {
  private readonly logger = new Logger(MaintenanceService.name);

  constructor(
    private readonly refreshTokens: RefreshTokensService,
    private readonly loginThrottles: LoginThrottleService,
    private readonly opaqueTokens: OpaqueTokensService,
  ) {}

  @Interval(EVERY_TEN_MINUTES)
  async runScheduled(): Promise<void> {
    await this.run().catch((err: unknown) => this.logger.error({ err }, 'Maintenance failed'));
  }

  async run(): Promise<{ refreshTokens: number; loginThrottles: number; opaqueTokens: number }> {
    const removed = {
      refreshTokens: await this.refreshTokens.purgeExpired(),
      loginThrottles: await this.loginThrottles.purgeStale(),
      opaqueTokens: await this.opaqueTokens.purgeExpired(),
    };
    if (Object.values(removed).some((count) => count > 0)) {
      this.logger.log({ removed }, 'Removed expired rows');
    }
    return removed;
  }
}
