import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Adoption, AdoptionStatus } from './adoption.entity';
import { Pet } from './pet.entity';

@Injectable()
export class AdoptionsRepository {
  constructor(@InjectRepository(Adoption) private readonly adoptions: Repository<Adoption>) {}

  async insert(manager: EntityManager, adoption: Adoption): Promise<void> {
    await manager.withRepository(this.adoptions).insert(adoption);
  }

  findByEventId(manager: EntityManager, eventId: string): Promise<Adoption | null> {
    return manager.withRepository(this.adoptions).findOneBy({ eventId });
  }

  /** Moves a requested adoption on; 0 when it was not requested any more (done before). */
  async settle(
    manager: EntityManager,
    id: string,
    status: Exclude<AdoptionStatus, 'requested'>,
    now: Date,
  ): Promise<number> {
    const result = await manager
      .withRepository(this.adoptions)
      .update({ id, status: 'requested' }, { status, updatedAt: now });
    return result.affected ?? 0;
  }

  /**
   * available → pending for one adopter, only if still available: of two concurrent
   * adoptions exactly one changes a row (PostgreSQL re-checks the WHERE after the lock).
   */
  async reservePet(
    manager: EntityManager,
    petId: string,
    adopterId: string,
    now: Date,
  ): Promise<number> {
    const result = await manager
      .getRepository(Pet)
      .update(
        { id: petId, status: 'available' },
        { status: 'pending', ownerId: adopterId, updatedAt: now },
      );
    return result.affected ?? 0;
  }

  /** pending → adopted, only for the adopter who reserved it. */
  async completePet(
    manager: EntityManager,
    petId: string,
    adopterId: string,
    now: Date,
  ): Promise<number> {
    const result = await manager
      .getRepository(Pet)
      .update(
        { id: petId, status: 'pending', ownerId: adopterId },
        { status: 'adopted', updatedAt: now },
      );
    return result.affected ?? 0;
  }

  /** pending → available again when the adoption failed. */
  async releasePet(
    manager: EntityManager,
    petId: string,
    adopterId: string,
    now: Date,
  ): Promise<void> {
    await manager
      .getRepository(Pet)
      .update(
        { id: petId, status: 'pending', ownerId: adopterId },
        { status: 'available', ownerId: null, updatedAt: now },
      );
  }
}
