import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { SignetConfig } from '../../config/signet-config';
import { Transactions } from '../../database/transactions';
import { UsedAssertion } from './used-assertion.entity';
import { assertionKey, UsedAssertionsRepository } from './used-assertions.repository';

const CLEANUP_INTERVAL_MS = 60_000;
/** Rows per statement: three parameters each, far below SQLite's 32,766. */
const MAX_BATCH = 200;

interface Waiting {
  entry: UsedAssertion;
  settle: (accepted: boolean) => void;
  fail: (error: unknown) => void;
}

/**
 * Group commit for the one SQLite connection: entries that arrive while a write is in flight
 * wait for it, then go together in the next one, so a busy token endpoint writes a few rows per
 * statement instead of a statement (and a commit) per request. Two entries with one key in a
 * batch: the first is decided by the database, the second is a replay.
 */
class GroupCommit {
  private pending: Waiting[] = [];
  private flushing = false;

  constructor(
    private readonly write: (entries: UsedAssertion[]) => Promise<Set<string>>,
    private readonly maxBatch: number,
  ) {}

  record(entry: UsedAssertion): Promise<boolean> {
    return new Promise((settle, fail) => {
      this.pending.push({ entry, settle, fail });
      if (!this.flushing) {
        this.flushing = true;
        // Requests that arrived in this turn of the event loop go in the first batch too.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const firsts = new Map<string, Waiting>();
      for (const waiting of this.pending.splice(0, this.maxBatch)) {
        const key = assertionKey(waiting.entry.clientId, waiting.entry.jti);
        if (firsts.has(key)) {
          waiting.settle(false);
        } else {
          firsts.set(key, waiting);
        }
      }
      try {
        const inserted = await this.write([...firsts.values()].map((w) => w.entry));
        for (const [key, waiting] of firsts) {
          waiting.settle(inserted.has(key));
        }
      } catch (error) {
        for (const waiting of firsts.values()) {
          waiting.fail(error);
        }
      }
    }
    this.flushing = false;
  }
}

/** Accepts each assertion jti once per client, across instances; forgets it once expired. */
@Injectable()
export class AssertionReplayGuard {
  private lastCleanupAt = 0;

  /** SQLite: jtis that arrive while a write is in flight are recorded together, next. */
  private readonly batch = new GroupCommit(
    (entries) =>
      this.transactions.single((manager) => this.repository.recordMany(manager, entries)),
    MAX_BATCH,
  );

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
    const entry = { clientId, jti, expiresAt };
    const accepted = this.transactions.isPostgres
      ? await this.transactions.single((manager) => this.repository.record(manager, entry))
      : await this.batch.record(entry);
    if (now.getTime() - this.lastCleanupAt > CLEANUP_INTERVAL_MS) {
      this.lastCleanupAt = now.getTime();
      await this.transactions.run((manager) => this.repository.deleteExpired(manager, now));
    }
    return accepted;
  }
}
