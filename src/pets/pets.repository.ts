import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Pet } from './pet.entity';

@Injectable()
export class PetsRepository {
  constructor(@InjectRepository(Pet) private readonly pets: Repository<Pet>) {}

  findById(id: string, manager?: EntityManager): Promise<Pet | null> {
    return this.repository(manager).findOneBy({ id });
  }

  /**
   * Oldest first; id breaks ties between pets created in the same millisecond. A deferred
   * join: the page's ids come from the (created_at, id) index alone, so a deep offset walks
   * index entries, not table rows; only the page's own rows are read.
   */
  async findPage(limit: number, offset: number): Promise<[Pet[], number]> {
    const pageIds = this.pets
      .createQueryBuilder('page')
      .select('page.id')
      .orderBy('page.created_at', 'ASC')
      .addOrderBy('page.id', 'ASC')
      .limit(limit)
      .offset(offset);
    const [pets, total] = await Promise.all([
      this.pets
        .createQueryBuilder('pet')
        .where(`pet.id IN (${pageIds.getQuery()})`)
        .orderBy('pet.created_at', 'ASC')
        .addOrderBy('pet.id', 'ASC')
        .getMany(),
      this.pets.count(),
    ]);
    return [pets, total];
  }

  async insert(manager: EntityManager, pet: Pet): Promise<void> {
    await this.repository(manager).insert(pet);
  }

  /** Returns how many rows changed: 0 when the pet does not exist. */
  async update(manager: EntityManager, id: string, changes: Partial<Pet>): Promise<number> {
    const result = await this.repository(manager).update({ id }, changes);
    return result.affected ?? 0;
  }

  async delete(manager: EntityManager, id: string): Promise<number> {
    const result = await this.repository(manager).delete({ id });
    return result.affected ?? 0;
  }

  private repository(manager?: EntityManager): Repository<Pet> {
    return manager ? manager.getRepository(Pet) : this.pets;
  }
}
