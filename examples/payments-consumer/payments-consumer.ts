/**
 * A payments service in another process: it consumes Signet's adoption events from NATS
 * JetStream and accepts an event only when its token passes Signet's standalone verifier
 * (src/verifier, JWKS mode) and is bound to the message (src/events/event-message.ts):
 * scope adoptions:process, event_id = payload.eventId, event_payload_hash = the hash of the
 * payload's RFC 8785 canonical JSON. Each event is charged once, however often it arrives.
 */
import { AckPolicy, connect, JsMsg, StringCodec } from 'nats';
import { checkEventClaims } from '../../src/events/event-message';
import { ADOPTION_REQUESTED } from '../../src/pets/adoption-event';
import { TokenVerifier } from '../../src/verifier';

/** What the consumer did with one message. */
export type Outcome =
  | { kind: 'charged'; eventId: string; adopterId: string; petId: string }
  | { kind: 'duplicate'; eventId: string }
  | { kind: 'rejected'; reason: string }
  /** Signet's keys could not be fetched: try again later. */
  | { kind: 'retry'; reason: string };

/** Event ids already handled. Production keeps them in the same database as the charges. */
export class ProcessedEvents {
  private readonly ids = new Set<string>();

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.add(id);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Decides one message: verify the token, bind it to the payload, then charge once. */
export async function handleMessage(
  data: string,
  verify: TokenVerifier,
  processed: ProcessedEvents,
): Promise<Outcome> {
  let message: unknown;
  try {
    message = JSON.parse(data);
  } catch {
    return { kind: 'rejected', reason: 'message_invalid' };
  }
  if (!isObject(message) || typeof message.accessToken !== 'string') {
    return { kind: 'rejected', reason: 'message_invalid' };
  }
  const verification = await verify(message.accessToken);
  if (!verification.ok) {
    return verification.reason === 'jwks_unavailable'
      ? { kind: 'retry', reason: verification.reason }
      : { kind: 'rejected', reason: `token_${verification.reason}` };
  }
  const check = checkEventClaims(verification.claims.raw, message.payload);
  if (!check.ok) {
    return { kind: 'rejected', reason: check.reason };
  }
  const { eventId, type, adopterId, petId } = check.payload;
  if (type !== ADOPTION_REQUESTED || typeof petId !== 'string') {
    return { kind: 'rejected', reason: 'type_unknown' };
  }
  if (adopterId !== verification.claims.sub) {
    return { kind: 'rejected', reason: 'adopter_mismatch' };
  }
  const id = eventId as string;
  if (processed.has(id)) {
    return { kind: 'duplicate', eventId: id };
  }
  processed.add(id);
  return { kind: 'charged', eventId: id, adopterId, petId };
}

export interface PaymentsConsumerOptions {
  natsUrl: string;
  stream: string;
  /** Signet's subject prefix (NATS_SUBJECT); the consumer reads `<subject>.>`. */
  subject: string;
  /** Durable consumer name: a restarted process continues where it stopped. */
  durable: string;
  verify: TokenVerifier;
  processed?: ProcessedEvents;
  onOutcome?: (outcome: Outcome) => void;
}

/** Starts consuming; resolves once subscribed. `stop()` drains and closes. */
export async function startPaymentsConsumer(
  options: PaymentsConsumerOptions,
): Promise<{ stop(): Promise<void> }> {
  const processed = options.processed ?? new ProcessedEvents();
  const codec = StringCodec();
  const connection = await connect({ servers: options.natsUrl.split(','), name: 'payments' });
  const manager = await connection.jetstreamManager();
  // Either side may start first: the stream is created as Signet's relay would create it.
  await manager.streams
    .info(options.stream)
    .catch(() => manager.streams.add({ name: options.stream, subjects: [`${options.subject}.>`] }));
  await manager.consumers.add(options.stream, {
    durable_name: options.durable,
    ack_policy: AckPolicy.Explicit,
    filter_subject: `${options.subject}.>`,
  });
  const consumer = await connection.jetstream().consumers.get(options.stream, options.durable);
  const messages = await consumer.consume();
  const settle = async (message: JsMsg): Promise<void> => {
    const outcome = await handleMessage(codec.decode(message.data), options.verify, processed);
    options.onOutcome?.(outcome);
    if (outcome.kind === 'retry') {
      message.nak(5_000);
    } else if (outcome.kind === 'rejected') {
      // A forged or broken message will not improve: never deliver it again.
      message.term();
    } else {
      message.ack();
    }
  };
  const loop = (async () => {
    for await (const message of messages) {
      await settle(message);
    }
  })();
  return {
    stop: async () => {
      await messages.close();
      await loop;
      await connection.drain();
    },
  };
}
