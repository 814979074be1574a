import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Transactions } from '../database/transactions';
import { Pet } from './pet.entity';

@Injectable()
export class PetsRepository {
  constructor(
    @InjectRepository(Pet) private readonly pets: Repository<Pet>,
    private readonly transactions: Transactions,
  ) {}

  findById(id: string, manager?: EntityManager): Promise<Pet | null> {
    return this.repository(manager).findOneBy({ id });
  }

  /**
   * Oldest first; id breaks ties between pets created in the same millisecond. A deferred
   * join: the page's ids come from the (created_at, id) index alone, so a deep offset walks
   * index entries, not table rows; only the page's own rows are read. OFFSET walks from the
   * start, so a page nearer the end is found from the end (newest first, then put back in
   * order): offset 99,950 of 100,000 walks 0 entries instead of 99,950. The total is read
   * from pet_count, not counted; it and the page come from one snapshot, so the walk from the
   * end lands on the same rows.
   */
  findPage(limit: number, offset: number): Promise<[Pet[], number]> {
    return this.transactions.read(async (manager) => {
      const pets = this.repository(manager);
      const total = await this.count(manager);
      const size = Math.min(limit, total - offset);
      if (size <= 0) {
        return [[], total];
      }
      const offsetFromEnd = total - offset - size;
      const fromEnd = offsetFromEnd < offset;
      const direction = fromEnd ? 'DESC' : 'ASC';
      const pageIds = pets
        .createQueryBuilder('page')
        .select('page.id')
        .orderBy('page.created_at', direction)
        .addOrderBy('page.id', direction)
        .limit(size)
        .offset(fromEnd ? offsetFromEnd : offset);
      const items = await pets
        .createQueryBuilder('pet')
        .where(`pet.id IN (${pageIds.getQuery()})`)
        .orderBy('pet.created_at', 'ASC')
        .addOrderBy('pet.id', 'ASC')
        .getMany();
      return [items, total];
    });
  }

  /** Kept by triggers in the table pet_count (migration CreatePetCount). */
  private async count(manager: EntityManager): Promise<number> {
    const rows = await manager.query<{ total: number | string }[]>(
      'SELECT "total" FROM "pet_count" WHERE "id" = 1',
    );
    // PostgreSQL returns bigint as a string.
    return Number(rows[0].total);
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
