import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { LOGIN_CLIENT_ID } from '../auth/auth.service';
import { AuthenticatedPrincipal } from '../auth/principal';
import { Clock } from '../common/clock';
import { ConflictError, ForbiddenError, NotFoundError } from '../common/errors/signet.errors';
import { Transactions } from '../database/transactions';
import { OutboxService } from '../events/outbox.service';
import { ADOPTION_REQUESTED, AdoptionRequestedPayload } from './adoption-event';
import { AdoptionsRepository } from './adoptions.repository';
import { AdoptionResponse } from './dto/adoption.response';
import { PetsRepository } from './pets.repository';

/**
 * POST /pets/{id}/adopt: the pet becomes pending, and the adoption and its event are written
 * in the same transaction (outbox); the event's consumer completes it (CONTRACT §8, §9).
 */
@Injectable()
export class AdoptionsService {
  constructor(
    private readonly pets: PetsRepository,
    private readonly adoptions: AdoptionsRepository,
    private readonly outbox: OutboxService,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
  ) {}

  async adopt(petId: string, principal: AuthenticatedPrincipal): Promise<AdoptionResponse> {
    // The event carries a user's identity: a client acting on its own cannot adopt.
    if (principal.clientId !== LOGIN_CLIENT_ID || principal.username === undefined) {
      throw new ForbiddenError('Adopting a pet needs a user access token');
    }
    await this.assertAvailable(petId);
    const now = this.clock.now();
    const payload: AdoptionRequestedPayload = {
      eventId: randomUUID(),
      type: ADOPTION_REQUESTED,
      adoptionId: randomUUID(),
      petId,
      adopterId: principal.sub,
      requestedAt: now.toISOString(),
    };
    // The token is minted before the transaction (signing writes in a transaction of its
    // own); when the pet is taken meanwhile, it is bound to an event that never exists.
    const event = await this.outbox.prepare(ADOPTION_REQUESTED, payload, principal);
    const reserved = await this.transactions.run(async (manager) => {
      if ((await this.adoptions.reservePet(manager, petId, principal.sub, now)) === 0) {
        return false;
      }
      await this.adoptions.insert(manager, {
        id: payload.adoptionId,
        petId,
        adopterId: principal.sub,
        eventId: payload.eventId,
        status: 'requested',
        createdAt: now,
        updatedAt: now,
      });
      await this.outbox.add(manager, event);
      return true;
    });
    if (!reserved) {
      await this.assertAvailable(petId);
      throw new ConflictError('The pet is not available');
    }
    return { adoptionId: payload.adoptionId, eventId: payload.eventId };
  }

  private async assertAvailable(petId: string): Promise<void> {
    const pet = await this.pets.findById(petId);
    if (!pet) {
      throw new NotFoundError('Pet');
    }
    if (pet.status !== 'available') {
      throw new ConflictError('The pet is not available');
    }
  }
}
