import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { formatScopes, parseScopeString } from '../auth/scopes';
import { Clock } from '../common/clock';
import { BadRequestError, ConflictError, NotFoundError } from '../common/errors/signet.errors';
import { PaginationQuery } from '../common/http/pagination.query';
import { SignetConfig } from '../config/signet-config';
import { Transactions } from '../database/transactions';
import { isUniqueViolation } from '../database/unique-violation';
import { KeyEncryptionService } from '../keys/key-encryption.service';
import { Client, CLIENT_ID_PATTERN, GRANT_TYPES } from './client.entity';
import { clientJwksProblem } from './client-jwks';
import { generateClientSecret, hashClientSecret } from './client-secrets';
import { ClientsRepository } from './clients.repository';
import { ClientPageResponse, ClientResponse } from './dto/client.response';
import { CreateClientDto } from './dto/create-client.dto';
import { UpdateClientDto } from './dto/update-client.dto';
import { jwksUriProblem } from './remote-jwks/address-policy';

export const CLIENT_SECRET_PURPOSE = 'client-secret-hmac';

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The clients admin API: registration (RFC 7591 metadata), changes, secret rotation. */
/**
 * The client_id claims of tokens Signet mints for itself: login tokens (LOGIN_CLIENT_ID,
 * CONTRACT §3) and event tokens (EVENTS_CLIENT_ID). No registered client may carry them, so
 * a token's client_id always says which kind it is.
 */
const RESERVED_CLIENT_IDS: readonly string[] = ['signet-login', 'signet-events'];

@Injectable()
export class ClientsService {
  constructor(
    private readonly repository: ClientsRepository,
    private readonly transactions: Transactions,
    private readonly encryption: KeyEncryptionService,
    private readonly clock: Clock,
    private readonly config: SignetConfig,
  ) {}

  async create(dto: CreateClientDto): Promise<ClientResponse> {
    if (dto.client_id !== undefined && RESERVED_CLIENT_IDS.includes(dto.client_id)) {
      throw new ConflictError('That client_id is reserved for tokens Signet issues itself');
    }
    const now = this.clock.now();
    const client: Client = {
      clientId: dto.client_id ?? randomBytes(16).toString('base64url'),
      clientName: dto.client_name,
      grantTypes: formatScopes(dto.grant_types ?? [GRANT_TYPES.clientCredentials]),
      tokenEndpointAuthMethod: dto.token_endpoint_auth_method ?? 'client_secret_basic',
      secretHash: null,
      jwks: dto.jwks ? JSON.stringify(dto.jwks) : null,
      jwksUri: dto.jwks_uri ?? null,
      scope: formatScopes(parseScopeString(dto.scope)),
      audience: dto.audience ?? null,
      accessTokenTtlSeconds: dto.access_token_ttl ?? null,
      accessTokenFormat: dto.access_token_format ?? 'jwt',
      createdAt: now,
      updatedAt: now,
    };
    this.assertConsistent(client);
    const secret =
      client.tokenEndpointAuthMethod === 'private_key_jwt' ? undefined : generateClientSecret();
    client.secretHash = secret === undefined ? null : this.hashSecret(secret);
    try {
      await this.transactions.run((manager) => this.repository.insert(manager, client));
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError('That client_id is taken');
      }
      throw error;
    }
    return ClientResponse.of(client, secret);
  }

  async list({ limit, offset }: PaginationQuery): Promise<ClientPageResponse> {
    const [clients, total] = await this.repository.findPage(limit, offset);
    return { items: clients.map((c) => ClientResponse.of(c)), total, limit, offset };
  }

  async get(clientId: string): Promise<ClientResponse> {
    return ClientResponse.of(await this.findOrFail(clientId));
  }

  async update(clientId: string, dto: UpdateClientDto): Promise<ClientResponse> {
    const current = await this.findOrFail(clientId);
    const changes: Partial<Client> = {
      ...withoutUndefined({
        clientName: dto.client_name,
        grantTypes: dto.grant_types && formatScopes(dto.grant_types),
        scope: dto.scope && formatScopes(parseScopeString(dto.scope)),
        // null clears jwks or jwks_uri, to switch from one to the other.
        jwks: dto.jwks === undefined ? undefined : dto.jwks && JSON.stringify(dto.jwks),
        jwksUri: dto.jwks_uri,
        audience: dto.audience,
        accessTokenTtlSeconds: dto.access_token_ttl,
        accessTokenFormat: dto.access_token_format,
      }),
      updatedAt: this.clock.now(),
    };
    const updated = { ...current, ...changes };
    this.assertConsistent(updated);
    await this.transactions.run((manager) => this.repository.update(manager, clientId, changes));
    return ClientResponse.of(updated);
  }

  async delete(clientId: string): Promise<void> {
    const deleted = CLIENT_ID_PATTERN.test(clientId)
      ? await this.transactions.run((manager) => this.repository.delete(manager, clientId))
      : 0;
    if (deleted === 0) {
      throw new NotFoundError('Client');
    }
  }

  /** A new secret, shown once; the old one stops working at once. */
  async rotateSecret(clientId: string): Promise<ClientResponse> {
    const client = await this.findOrFail(clientId);
    if (client.tokenEndpointAuthMethod === 'private_key_jwt') {
      throw new BadRequestError(
        'invalid_request',
        'This client authenticates with private_key_jwt and has no secret',
      );
    }
    const secret = generateClientSecret();
    const changes = { secretHash: this.hashSecret(secret), updatedAt: this.clock.now() };
    await this.transactions.run((manager) => this.repository.update(manager, clientId, changes));
    return ClientResponse.of({ ...client, ...changes }, secret);
  }

  private hashSecret(secret: string): string {
    const kekId = this.encryption.currentKekId;
    return hashClientSecret(secret, this.encryption.deriveKey(CLIENT_SECRET_PURPOSE)!, kekId);
  }

  /** The authentication method must match the key material given (RFC 7591 §2). */
  private assertConsistent(client: Client): void {
    const problem = this.metadataProblem(client);
    if (problem) {
      throw new BadRequestError('invalid_client_metadata', problem);
    }
  }

  private metadataProblem(client: Client): string | undefined {
    const hasJwks = client.jwks !== null;
    const hasJwksUri = client.jwksUri !== null;
    if (client.tokenEndpointAuthMethod !== 'private_key_jwt') {
      return hasJwks || hasJwksUri
        ? `${client.tokenEndpointAuthMethod} takes no jwks or jwks_uri`
        : undefined;
    }
    if (hasJwks === hasJwksUri) {
      return 'private_key_jwt needs exactly one of jwks or jwks_uri';
    }
    if (hasJwks) {
      return clientJwksProblem(JSON.parse(client.jwks!));
    }
    return jwksUriProblem(client.jwksUri!, this.config.jwksUriAllowHttp);
  }

  private async findOrFail(clientId: string): Promise<Client> {
    // An id that could not have been registered is unknown without asking the database.
    const client = CLIENT_ID_PATTERN.test(clientId)
      ? await this.repository.findById(clientId)
      : null;
    if (!client) {
      throw new NotFoundError('Client');
    }
    return client;
  }
}
