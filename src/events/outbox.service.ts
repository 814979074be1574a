import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuthenticatedPrincipal } from '../auth/principal';
import { Clock } from '../common/clock';
import { EventPageResponse, EventResponse } from './dto/event.response';
import { ListEventsQuery } from './dto/list-events.query';
import { canonicalJson } from './canonical-json';
import { payloadHash } from './event-message';
import { EventTokensService } from './event-tokens.service';
import { OutboxEvent } from './outbox-event.entity';
import { OutboxRepository } from './outbox.repository';

/** An event ready to be written: payload canonicalised and hashed, token minted. */
export interface PreparedEvent {
  readonly row: OutboxEvent;
}

/**
 * The outbox: a feature prepares its event (and its token) before its transaction, then
 * writes it inside that transaction, with the change it announces (CONTRACT §9).
 */
@Injectable()
export class OutboxService {
  constructor(
    private readonly repository: OutboxRepository,
    private readonly eventTokens: EventTokensService,
    private readonly clock: Clock,
  ) {}

  /**
   * Signs the event token outside any transaction: signing may record the key's token
   * lifetime in a transaction of its own. `payload.eventId` is the event's id.
   */
  async prepare(
    type: string,
    payload: Record<string, unknown> & { eventId: string },
    principal: AuthenticatedPrincipal,
  ): Promise<PreparedEvent> {
    const hash = payloadHash(payload);
    const accessToken = await this.eventTokens.mint(principal, payload.eventId, hash);
    const now = this.clock.now();
    return {
      row: {
        id: payload.eventId,
        type,
        status: 'pending',
        payload: canonicalJson(payload),
        payloadHash: hash,
        accessToken,
        reason: null,
        attempts: 0,
        nextAttemptAt: now,
        createdAt: now,
        processedAt: null,
        relayedAt: null,
      },
    };
  }

  async add(manager: EntityManager, event: PreparedEvent): Promise<void> {
    await this.repository.insert(manager, event.row);
  }

  async list({ status, limit, offset }: ListEventsQuery): Promise<EventPageResponse> {
    const [events, total] = await this.repository.findPage(status, limit, offset);
    return { items: events.map((e) => EventResponse.of(e)), total, limit, offset };
  }
}
