import { ApiProperty } from '@nestjs/swagger';
import { EVENT_STATUSES, EventStatus, OutboxEvent } from '../outbox-event.entity';

/** An outbox event as GET /admin/events shows it (CONTRACT §9): never its token. */
export class EventResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'pet.adoption.requested' }) type!: string;
  @ApiProperty({ enum: EVENT_STATUSES }) status!: EventStatus;
  @ApiProperty({ type: 'object', additionalProperties: true })
  payload!: Record<string, unknown>;
  @ApiProperty({ description: 'base64url(SHA-256(RFC 8785 JSON of payload))' })
  eventPayloadHash!: string;
  @ApiProperty({ type: String, nullable: true, example: 'payload_hash_mismatch' })
  reason!: string | null;
  @ApiProperty() attempts!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  processedAt!: string | null;

  static of(event: OutboxEvent): EventResponse {
    return {
      id: event.id,
      type: event.type,
      status: event.status,
      payload: parsePayload(event.payload),
      eventPayloadHash: event.payloadHash,
      reason: event.reason,
      attempts: event.attempts,
      createdAt: event.createdAt.toISOString(),
      processedAt: event.processedAt?.toISOString() ?? null,
    };
  }
}

/** The stored canonical JSON; a row damaged in the database still lists (as `{}`). */
function parsePayload(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

export class EventPageResponse {
  @ApiProperty({ type: [EventResponse] }) items!: EventResponse[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
