import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../database/timestamp.column';

/** pending → processed, or pending → rejected with a reason (CONTRACT §9). */
export const EVENT_STATUSES = ['pending', 'processed', 'rejected'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

/**
 * The transactional outbox: an event written in the same transaction as the change it
 * announces, with the event token that carries the user's identity to the consumer.
 */
@Entity('outbox_events')
@Index('idx_outbox_events_status_next_attempt_at', ['status', 'nextAttemptAt'])
@Index('idx_outbox_events_created_at_id', ['createdAt', 'id'])
export class OutboxEvent {
  /** Also the payload's `eventId` and the token's `event_id`. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** e.g. pet.adoption.requested */
  @Column({ type: 'varchar', length: 64 })
  type!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: EventStatus;

  /** The RFC 8785 canonical JSON of the payload, exactly as hashed. */
  @Column({ type: 'text' })
  payload!: string;

  /** base64url(SHA-256(payload)), as in the token's `event_payload_hash`. */
  @Column({ type: 'varchar', length: 64 })
  payloadHash!: string;

  /** The event token; a bearer credential, never selected by default nor listed. */
  @Column({ type: 'text', select: false })
  accessToken!: string;

  /** Why the event was rejected (e.g. payload_hash_mismatch). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  reason!: string | null;

  /** Processing attempts so far. */
  @Column({ type: 'integer' })
  attempts!: number;

  /** Not retried before this instant (backoff after a transient failure). */
  @TimestampColumn()
  nextAttemptAt!: Date;

  @TimestampColumn()
  createdAt!: Date;

  @TimestampColumn({ nullable: true })
  processedAt!: Date | null;

  /** When the relay published it to the broker; null: not yet. */
  @Index('idx_outbox_events_relayed_at')
  @TimestampColumn({ nullable: true })
  relayedAt!: Date | null;
}
