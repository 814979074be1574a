import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { SignetConfig } from '../../config/signet-config';
import { Transactions } from '../../database/transactions';
import { UsedAssertionsRepository } from './used-assertions.repository';

const CLEANUP_INTERVAL_MS = 60_000;

/** Accepts each assertion jti once per client, across instances; forgets it once expired. */
@Injectable()
export class AssertionReplayGuard {
  private lastCleanupAt = 0;

  constructor(
    private readonly repository: UsedAssertionsRepository,
    private readonly transactions: Transactions,
    private readonly config: SignetConfig,
    private readonly clock: Clock,
  ) {}

  async accept(clientId: string, jti: string, expSeconds: number): Promise<boolean> {
    const now = this.clock.now();
    // Kept until no instance could still accept the assertion: its exp plus the skew.
    const expiresAt = new Date((expSeconds + this.config.clockSkewSeconds) * 1000);
    const accepted = await this.transactions.single((manager) =>
      this.repository.record(manager, { clientId, jti, expiresAt }),
    );
    if (now.getTime() - this.lastCleanupAt > CLEANUP_INTERVAL_MS) {
      this.lastCleanupAt = now.getTime();
      await this.transactions.run((manager) => this.repository.deleteExpired(manager, now));
    }
    return accepted;
  }
}
