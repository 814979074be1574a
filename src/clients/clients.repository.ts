import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { performance } from 'node:perf_hooks';
import { EntityManager, Repository } from 'typeorm';
import { SignetConfig } from '../config/signet-config';
import { Client } from './client.entity';

/** Enough for every client of a deployment; the oldest entry goes first. */
const MAX_CACHED_CLIENTS = 10_000;

interface CachedClient {
  client: Readonly<Client>;
  loadedAt: number;
}

@Injectable()
export class ClientsRepository {
  /**
   * Registrations read for authentication, by client_id, for CLIENT_CACHE_SECONDS: the token
   * endpoint authenticates a client on every request, and the row rarely changes. This
   * instance's own writes drop the entry at once; another instance's are seen within
   * CLIENT_CACHE_SECONDS (as its key changes are within KEY_CACHE_REFRESH_SECONDS). Unknown
   * ids are never cached, so random ids cannot fill it.
   */
  private readonly cache = new Map<string, CachedClient>();

  constructor(
    @InjectRepository(Client) private readonly clients: Repository<Client>,
    private readonly config: SignetConfig,
  ) {}

  findById(clientId: string): Promise<Client | null> {
    return this.clients.findOneBy({ clientId });
  }

  /** The client with its secret hash, for authentication only (cached, read-only). */
  async findForAuthentication(clientId: string): Promise<Readonly<Client> | null> {
    const maxAgeMs = this.config.clientCacheSeconds * 1000;
    const cached = this.cache.get(clientId);
    if (cached && performance.now() - cached.loadedAt < maxAgeMs) {
      return cached.client;
    }
    const loadedAt = performance.now();
    const client = await this.clients
      .createQueryBuilder('client')
      .addSelect('client.secretHash')
      .where('client.clientId = :clientId', { clientId })
      .getOne();
    this.cache.delete(clientId);
    if (client && maxAgeMs > 0) {
      if (this.cache.size >= MAX_CACHED_CLIENTS) {
        this.cache.delete(this.cache.keys().next().value!);
      }
      this.cache.set(clientId, { client: Object.freeze(client), loadedAt });
    }
    return client;
  }

  findPage(limit: number, offset: number): Promise<[Client[], number]> {
    return this.clients.findAndCount({
      order: { createdAt: 'ASC', clientId: 'ASC' },
      take: limit,
      skip: offset,
    });
  }

  async insert(manager: EntityManager, client: Client): Promise<void> {
    this.cache.delete(client.clientId);
    await manager.withRepository(this.clients).insert(client);
  }

  async update(manager: EntityManager, clientId: string, changes: Partial<Client>): Promise<void> {
    this.cache.delete(clientId);
    await manager.withRepository(this.clients).update({ clientId }, changes);
    this.cache.delete(clientId);
  }

  async delete(manager: EntityManager, clientId: string): Promise<number> {
    this.cache.delete(clientId);
    const result = await manager.withRepository(this.clients).delete({ clientId });
    this.cache.delete(clientId);
    return result.affected ?? 0;
  }
}
