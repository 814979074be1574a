import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { Transactions } from '../../database/transactions';
import { OutboxEvent } from '../outbox-event.entity';
import { OutboxRepository } from '../outbox.repository';
import { EVENT_PUBLISHER, EventPublisher } from './event-publisher';

const BATCH_SIZE = 50;

/** The message on the broker: `{accessToken, payload}`, the payload's bytes as hashed. */
function messageOf(event: OutboxEvent): string {
  return `{"accessToken":${JSON.stringify(event.accessToken)},"payload":${event.payload}}`;
}

/**
 * Publishes outbox events (pending or processed, never rejected) to the configured broker,
 * for consumers in other services. At least once: an event is marked relayed after the
 * broker acknowledged it; publishing it again after a crash is de-duplicated by event id.
 */
@Injectable()
export class EventRelay implements OnApplicationShutdown {
  private readonly logger = new Logger(EventRelay.name);

  constructor(
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher | null,
    private readonly outbox: OutboxRepository,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
  ) {}

  get isEnabled(): boolean {
    return this.publisher !== null;
  }

  /** Relays every unrelayed event; returns how many were published. Throws if the broker fails. */
  async relayPending(): Promise<number> {
    let total = 0;
    for (;;) {
      const relayed = await this.relayBatch();
      total += relayed;
      if (relayed < BATCH_SIZE) {
        return total;
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher?.close();
  }

  private async relayBatch(): Promise<number> {
    const publisher = this.publisher;
    if (!publisher) {
      return 0;
    }
    // Outside the transaction: a broker that does not answer must not hold the database.
    await publisher.connect();
    let failure: Error | undefined;
    const count = await this.transactions.run(async (manager) => {
      const events = await this.outbox.claimUnrelayed(
        manager,
        BATCH_SIZE,
        this.transactions.isPostgres,
      );
      const published: string[] = [];
      for (const event of events) {
        try {
          await publisher.publish({ id: event.id, type: event.type, message: messageOf(event) });
        } catch (error) {
          failure = error instanceof Error ? error : new Error(String(error));
          break;
        }
        published.push(event.id);
      }
      // What the broker acknowledged is marked, even when a later publish failed.
      await this.outbox.markRelayed(manager, published, this.clock.now());
      return published.length;
    });
    if (failure !== undefined) {
      this.logger.warn({ err: failure, relayed: count }, 'Relaying events failed');
      throw failure;
    }
    return count;
  }
}
