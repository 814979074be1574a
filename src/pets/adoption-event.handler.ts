import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import {
  EventHandler,
  EventHandlers,
  HandlerOutcome,
  VerifiedEvent,
} from '../events/event-handlers';
import { ADOPTION_REQUESTED, readAdoptionPayload } from './adoption-event';
import { AdoptionsRepository } from './adoptions.repository';

/**
 * Completes an adoption from its verified event: the pet becomes `adopted` by the token's
 * `sub`. Idempotent: an adoption already settled is a duplicate and changes nothing.
 */
@Injectable()
export class AdoptionEventHandler implements EventHandler, OnModuleInit {
  readonly type = ADOPTION_REQUESTED;

  constructor(
    private readonly handlers: EventHandlers,
    private readonly adoptions: AdoptionsRepository,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.handlers.register(this);
  }

  async handle(manager: EntityManager, event: VerifiedEvent): Promise<HandlerOutcome> {
    const payload = readAdoptionPayload(event.payload);
    if (!payload) {
      return { kind: 'rejected', reason: 'payload_invalid' };
    }
    // The token's user is the adopter: a payload naming someone else is not theirs to send.
    if (payload.adopterId !== event.claims.sub) {
      return { kind: 'rejected', reason: 'adopter_mismatch' };
    }
    const adoption = await this.adoptions.findByEventId(manager, event.id);
    if (
      !adoption ||
      adoption.id !== payload.adoptionId ||
      adoption.petId !== payload.petId ||
      adoption.adopterId !== payload.adopterId
    ) {
      return { kind: 'rejected', reason: 'adoption_unknown' };
    }
    if (adoption.status !== 'requested') {
      return adoption.status === 'completed'
        ? { kind: 'duplicate' }
        : { kind: 'rejected', reason: 'adoption_rejected' };
    }
    const now = this.clock.now();
    if ((await this.adoptions.completePet(manager, payload.petId, event.claims.sub, now)) === 0) {
      return { kind: 'rejected', reason: 'pet_not_pending' };
    }
    await this.adoptions.settle(manager, adoption.id, 'completed', now);
    return { kind: 'applied' };
  }

  async release(manager: EntityManager, eventId: string): Promise<void> {
    const adoption = await this.adoptions.findByEventId(manager, eventId);
    if (!adoption || adoption.status !== 'requested') {
      return;
    }
    const now = this.clock.now();
    await this.adoptions.settle(manager, adoption.id, 'rejected', now);
    await this.adoptions.releasePet(manager, adoption.petId, adoption.adopterId, now);
  }
}
