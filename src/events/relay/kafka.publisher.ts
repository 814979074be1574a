import { Kafka, logLevel, Producer } from 'kafkajs';
import { EventPublisher, RelayedEvent } from './event-publisher';

export interface KafkaPublisherOptions {
  brokers: readonly string[];
  topic: string;
}

/**
 * Publishes to a Kafka topic with an idempotent producer, keyed by event id (one partition
 * per event, so consumers de-duplicate by key), acknowledged by all in-sync replicas.
 */
export class KafkaPublisher implements EventPublisher {
  private connecting?: Promise<Producer>;

  constructor(private readonly options: KafkaPublisherOptions) {}

  async connect(): Promise<void> {
    await this.producer();
  }

  async publish(event: RelayedEvent): Promise<void> {
    const producer = await this.producer();
    await producer.send({
      topic: this.options.topic,
      acks: -1,
      messages: [
        {
          key: event.id,
          value: event.message,
          headers: { 'event-id': event.id, 'event-type': event.type },
        },
      ],
    });
  }

  async close(): Promise<void> {
    const connecting = this.connecting;
    this.connecting = undefined;
    const producer = await connecting?.catch(() => undefined);
    await producer?.disconnect();
  }

  private producer(): Promise<Producer> {
    this.connecting ??= this.open().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  private async open(): Promise<Producer> {
    const kafka = new Kafka({
      clientId: 'signet-relay',
      brokers: [...this.options.brokers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 3 },
    });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    return producer;
  }
}
