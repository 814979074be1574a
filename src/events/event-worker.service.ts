import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { SignetConfig } from '../config/signet-config';
import { EventConsumer } from './event-consumer.service';
import { EventRelay } from './relay/event-relay.service';

/**
 * Runs the consumer and the relay every EVENT_POLL_INTERVAL seconds while the app runs
 * (0: never; tests call them directly). Stopping waits for the pass under way, before the
 * database closes; whatever it did not finish stays in the outbox for the next start.
 */
@Injectable()
export class EventWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EventWorker.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly consumer: EventConsumer,
    private readonly relay: EventRelay,
    private readonly config: SignetConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.eventPollIntervalSeconds > 0) {
      this.schedule();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) {
      return;
    }
    this.timer = setTimeout(() => {
      this.running = this.pass().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, this.config.eventPollIntervalSeconds * 1000);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    try {
      await this.consumer.processPending();
    } catch (err) {
      this.logger.error({ err }, 'Processing events failed; retrying at the next pass');
    }
    if (this.relay.isEnabled && !this.stopped) {
      // The relay logs its own failures; what it did not publish stays unrelayed.
      await this.relay.relayPending().catch(() => undefined);
    }
  }
}
