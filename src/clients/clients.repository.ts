import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Client } from './client.entity';

@Injectable()
export class ClientsRepository {
  constructor(@InjectRepository(Client) private readonly clients: Repository<Client>) {}

  findById(clientId: string): Promise<Client | null> {
    return this.clients.findOneBy({ clientId });
  }

  /** The client with its secret hash, for authentication only. */
  findWithSecretHash(clientId: string): Promise<Client | null> {
    return this.clients
      .createQueryBuilder('client')
      .addSelect('client.secretHash')
      .where('client.clientId = :clientId', { clientId })
      .getOne();
  }

  findPage(limit: number, offset: number): Promise<[Client[], number]> {
    return this.clients.findAndCount({
      order: { createdAt: 'ASC', clientId: 'ASC' },
      take: limit,
      skip: offset,
    });
  }

  async insert(manager: EntityManager, client: Client): Promise<void> {
    await manager.withRepository(this.clients).insert(client);
  }

  async update(manager: EntityManager, clientId: string, changes: Partial<Client>): Promise<void> {
    await manager.withRepository(this.clients).update({ clientId }, changes);
  }

  async delete(manager: EntityManager, clientId: string): Promise<number> {
    const result = await manager.withRepository(this.clients).delete({ clientId });
    return result.affected ?? 0;
  }
}
