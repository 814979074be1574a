import { connect, JetStreamClient, NatsConnection, StringCodec } from 'nats';
import { EventPublisher, RelayedEvent } from './event-publisher';

export interface NatsPublisherOptions {
  /** One or more nats:// URLs, comma-separated. */
  url: string;
  stream: string;
  /** Events go to `<subject>.<type>`; the stream is created for `<subject>.>`. */
  subject: string;
}

const codec = StringCodec();

/** Publishes to a NATS JetStream stream, which it creates when missing. */
export class NatsPublisher implements EventPublisher {
  private connecting?: Promise<{ connection: NatsConnection; jetstream: JetStreamClient }>;

  constructor(private readonly options: NatsPublisherOptions) {}

  async connect(): Promise<void> {
    await this.connection();
  }

  async publish(event: RelayedEvent): Promise<void> {
    const { jetstream } = await this.connection();
    // JetStream drops a second message with the same Nats-Msg-Id within its duplicate window.
    await jetstream.publish(`${this.options.subject}.${event.type}`, codec.encode(event.message), {
      msgID: event.id,
    });
  }

  async close(): Promise<void> {
    const connecting = this.connecting;
    this.connecting = undefined;
    if (connecting) {
      const { connection } = await connecting.catch(() => ({ connection: undefined }));
      await connection?.drain();
    }
  }

  private connection(): Promise<{ connection: NatsConnection; jetstream: JetStreamClient }> {
    this.connecting ??= this.open().then(
      (opened) => {
        // The client gives up reconnecting after a while: the next publish connects afresh.
        void opened.connection.closed().then(() => {
          this.connecting = undefined;
        });
        return opened;
      },
      (error: unknown) => {
        this.connecting = undefined;
        throw error;
      },
    );
    return this.connecting;
  }

  private async open(): Promise<{ connection: NatsConnection; jetstream: JetStreamClient }> {
    const connection = await connect({
      servers: this.options.url.split(','),
      name: 'signet-relay',
      timeout: 5000,
    });
    try {
      const manager = await connection.jetstreamManager();
      await manager.streams.info(this.options.stream).catch(() =>
        manager.streams.add({
          name: this.options.stream,
          subjects: [`${this.options.subject}.>`],
        }),
      );
      return { connection, jetstream: connection.jetstream() };
    } catch (error) {
      await connection.close();
      throw error;
    }
  }
}
