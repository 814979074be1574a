import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock';
import { NotFoundError } from '../common/errors/signet.errors';
import { PaginationQuery } from '../common/http/pagination.query';
import { Transactions } from '../database/transactions';
import { CreatePetDto } from './dto/create-pet.dto';
import { PetPageResponse, PetResponse } from './dto/pet.response';
import { UpdatePetDto } from './dto/update-pet.dto';
import { Pet } from './pet.entity';
import { PetsRepository } from './pets.repository';

@Injectable()
export class PetsService {
  constructor(
    private readonly repository: PetsRepository,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
  ) {}

  /** New pets are available and have no owner; status moves only through adoption. */
  async create(dto: CreatePetDto): Promise<PetResponse> {
    const now = this.clock.now();
    const pet: Pet = {
      id: randomUUID(),
      name: dto.name,
      species: dto.species,
      age: dto.age ?? null,
      status: 'available',
      ownerId: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.transactions.run((manager) => this.repository.insert(manager, pet));
    return PetResponse.of(pet);
  }

  async list({ limit, offset }: PaginationQuery): Promise<PetPageResponse> {
    const [pets, total] = await this.repository.findPage(limit, offset);
    return { items: pets.map((pet) => PetResponse.of(pet)), total, limit, offset };
  }

  async get(id: string): Promise<PetResponse> {
    const pet = await this.repository.findById(id);
    if (!pet) {
      throw new NotFoundError('Pet');
    }
    return PetResponse.of(pet);
  }

  /**
   * Changes the given fields. The update and the read-back share one transaction, so a
   * concurrent delete answers 404 rather than echoing a pet that no longer exists.
   */
  async update(id: string, dto: UpdatePetDto): Promise<PetResponse> {
    const changes = this.changesFrom(dto);
    const pet = await this.transactions.run(async (manager) => {
      if (Object.keys(changes).length > 0) {
        const updated = await this.repository.update(manager, id, {
          ...changes,
          updatedAt: this.clock.now(),
        });
        if (updated === 0) {
          return null;
        }
      }
      return this.repository.findById(id, manager);
    });
    if (!pet) {
      throw new NotFoundError('Pet');
    }
    return PetResponse.of(pet);
  }

  async delete(id: string): Promise<void> {
    const deleted = await this.transactions.run((manager) => this.repository.delete(manager, id));
    if (deleted === 0) {
      throw new NotFoundError('Pet');
    }
  }

  /** Only the fields the client sent; `age: null` clears the age. */
  private changesFrom(dto: UpdatePetDto): Partial<Pet> {
    const changes: Partial<Pet> = {};
    if (dto.name !== undefined) {
      changes.name = dto.name;
    }
    if (dto.species !== undefined) {
      changes.species = dto.species;
    }
    if (dto.age !== undefined) {
      changes.age = dto.age;
    }
    return changes;
  }
}
