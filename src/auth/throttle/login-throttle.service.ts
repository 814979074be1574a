import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { TooManyAttemptsError } from '../../common/errors/signet.errors';
import { Transactions } from '../../database/transactions';
import { LoginThrottleRepository } from './login-throttle.repository';

interface Limit {
  prefix: string;
  maxFailures: number;
  windowMs: number;
}

// CONTRACT §5: 5 failures for one username within 15 minutes, or 20 from one address within a minute.
const PER_USERNAME: Limit = { prefix: 'user:', maxFailures: 5, windowMs: 15 * 60_000 };
const PER_ADDRESS: Limit = { prefix: 'ip:', maxFailures: 20, windowMs: 60_000 };

/** Throttles failed logins per username and per client address, across instances. */
@Injectable()
export class LoginThrottleService {
  constructor(
    private readonly repository: LoginThrottleRepository,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
  ) {}

  /** Throws 429 while either counter is at its limit, even for the right password. */
  async assertAllowed(username: string, address: string): Promise<void> {
    const now = this.clock.now().getTime();
    const keys = [PER_USERNAME.prefix + username, PER_ADDRESS.prefix + address];
    const rows = await this.repository.findByKeys(keys);
    let retryAfterMs = 0;
    for (const limit of [PER_USERNAME, PER_ADDRESS]) {
      const row = rows.find((r) => r.subject.startsWith(limit.prefix));
      const endsAt = row ? row.windowStartedAt.getTime() + limit.windowMs : 0;
      if (row && row.failures >= limit.maxFailures && endsAt > now) {
        retryAfterMs = Math.max(retryAfterMs, endsAt - now);
      }
    }
    if (retryAfterMs > 0) {
      throw new TooManyAttemptsError(Math.ceil(retryAfterMs / 1000));
    }
  }

  async recordFailure(username: string, address: string): Promise<void> {
    const now = this.clock.now();
    await this.transactions.run(async (manager) => {
      await this.repository.recordFailure(
        manager,
        PER_USERNAME.prefix + username,
        now,
        PER_USERNAME.windowMs,
      );
      await this.repository.recordFailure(
        manager,
        PER_ADDRESS.prefix + address,
        now,
        PER_ADDRESS.windowMs,
      );
    });
  }

  /** Deletes counters whose window (the longest is 15 minutes) has passed. */
  async purgeStale(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - PER_USERNAME.windowMs);
    return this.transactions.run((manager) => this.repository.deleteStartedBefore(manager, cutoff));
  }

  /** A successful login clears the username's counter (not the address's). */
  async recordSuccess(username: string): Promise<void> {
    await this.transactions.run((manager) =>
      this.repository.delete(manager, PER_USERNAME.prefix + username),
    );
  }
}
