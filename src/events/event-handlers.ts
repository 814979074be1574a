import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccessTokenClaims } from '../verifier/access-token-claims';

/** An event whose token, scope, event id and payload hash were verified. */
export interface VerifiedEvent {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  claims: AccessTokenClaims;
}

/** applied: the change was made now; duplicate: it had been made before (idempotent). */
export type HandlerOutcome =
  { kind: 'applied' } | { kind: 'duplicate' } | { kind: 'rejected'; reason: string };

/**
 * What a feature does with its events, inside the consumer's transaction. Throwing means a
 * transient failure: the event is retried later; a permanent problem is a `rejected` outcome.
 */
export interface EventHandler {
  readonly type: string;
  handle(manager: EntityManager, event: VerifiedEvent): Promise<HandlerOutcome>;
  /** Undoes what the request reserved when its event is rejected (e.g. frees the pet). */
  release(manager: EntityManager, eventId: string): Promise<void>;
}

/**
 * Handlers by event type. Features register theirs at start-up, so the events module needs
 * no import of the features that use it (pets imports events, not the other way round).
 */
@Injectable()
export class EventHandlers {
  private readonly handlers = new Map<string, EventHandler>();

  register(handler: EventHandler): void {
    this.handlers.set(handler.type, handler);
  }

  forType(type: string): EventHandler | undefined {
    return this.handlers.get(type);
  }
}
