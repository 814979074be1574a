/** An outbox event as the relay hands it to a broker. */
export interface RelayedEvent {
  id: string;
  type: string;
  /** The message `{accessToken, payload}` as JSON, the payload in its canonical bytes. */
  message: string;
}

/**
 * A broker the relay publishes to. `publish` resolves once the broker has stored the
 * message; the event id is the broker's de-duplication key where it has one, so publishing
 * again after a crash does not make a second message (consumers de-duplicate by it anyway).
 */
export interface EventPublisher {
  /** Connects if not connected (the relay does so before it opens a transaction). */
  connect(): Promise<void>;
  publish(event: RelayedEvent): Promise<void>;
  close(): Promise<void>;
}

/** Nest injection token of the configured EventPublisher (null when EVENT_BROKER=none). */
export const EVENT_PUBLISHER = Symbol('EVENT_PUBLISHER');
