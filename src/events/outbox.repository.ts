import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, FindOptionsWhere, In, Repository } from 'typeorm';
import { EventStatus, OutboxEvent } from './outbox-event.entity';

@Injectable()
export class OutboxRepository {
  constructor(@InjectRepository(OutboxEvent) private readonly events: Repository<OutboxEvent>) {}

  async insert(manager: EntityManager, event: OutboxEvent): Promise<void> {
    await manager.withRepository(this.events).insert(event);
  }

  /** Oldest first; id breaks ties. Never the token (not selected by default). */
  findPage(
    status: EventStatus | undefined,
    limit: number,
    offset: number,
  ): Promise<[OutboxEvent[], number]> {
    const where: FindOptionsWhere<OutboxEvent> = status === undefined ? {} : { status };
    return this.events.findAndCount({
      where,
      order: { createdAt: 'ASC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
  }

  findById(id: string, manager?: EntityManager): Promise<OutboxEvent | null> {
    return (manager ? manager.withRepository(this.events) : this.events).findOneBy({ id });
  }

  /** Whether any pending event is due (a cheap look before opening a transaction). */
  async hasDue(nowMs: number): Promise<boolean> {
    const row = await this.events
      .createQueryBuilder('event')
      .select('event.id')
      .where('event.status = :status', { status: 'pending' })
      .andWhere('event.nextAttemptAt <= :now', { now: nowMs })
      .limit(1)
      .getRawOne<unknown>();
    return row !== undefined;
  }

  /**
   * The oldest due pending event with its token, locked for this transaction. PostgreSQL:
   * FOR UPDATE SKIP LOCKED, so instances never take the same event; SQLite transactions
   * are serialised in-process (database/transactions.ts).
   */
  claimNextDue(
    manager: EntityManager,
    nowMs: number,
    isPostgres: boolean,
  ): Promise<OutboxEvent | null> {
    const query = manager
      .withRepository(this.events)
      .createQueryBuilder('event')
      .addSelect('event.accessToken')
      .where('event.status = :status', { status: 'pending' })
      .andWhere('event.nextAttemptAt <= :now', { now: nowMs })
      .orderBy('event.createdAt', 'ASC')
      .addOrderBy('event.id', 'ASC')
      .limit(1);
    if (isPostgres) {
      query.setLock('pessimistic_write').setOnLocked('skip_locked');
    }
    return query.getOne();
  }

  /** Events not yet relayed and not rejected, oldest first, locked like claimNextDue. */
  claimUnrelayed(
    manager: EntityManager,
    limit: number,
    isPostgres: boolean,
  ): Promise<OutboxEvent[]> {
    const query = manager
      .withRepository(this.events)
      .createQueryBuilder('event')
      .addSelect('event.accessToken')
      .where('event.relayedAt IS NULL')
      .andWhere('event.status <> :rejected', { rejected: 'rejected' })
      .orderBy('event.createdAt', 'ASC')
      .addOrderBy('event.id', 'ASC')
      .limit(limit);
    if (isPostgres) {
      query.setLock('pessimistic_write').setOnLocked('skip_locked');
    }
    return query.getMany();
  }

  /** Changes a pending event; one that another consumer already settled stays as it is. */
  async updatePending(
    manager: EntityManager,
    id: string,
    changes: Partial<OutboxEvent>,
  ): Promise<void> {
    await manager.withRepository(this.events).update({ id, status: 'pending' }, changes);
  }

  async markRelayed(manager: EntityManager, ids: string[], relayedAt: Date): Promise<void> {
    if (ids.length > 0) {
      await manager.withRepository(this.events).update({ id: In(ids) }, { relayedAt });
    }
  }
}
