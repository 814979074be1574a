import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../database/timestamp.column';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
];

export const GRANT_TYPES = {
  clientCredentials: 'client_credentials',
  tokenExchange: 'urn:ietf:params:oauth:grant-type:token-exchange',
} as const;
export type GrantType = (typeof GRANT_TYPES)[keyof typeof GRANT_TYPES];

/** What a client_id may be: URL-safe, so it needs no escaping in a path, a form or Basic. */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9._~-]{1,100}$/;

export type AccessTokenFormat = 'jwt' | 'opaque';

/** An OAuth client registered through the admin API (RFC 7591 metadata). */
@Entity('clients')
export class Client {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  clientId!: string;

  @Column({ type: 'varchar', length: 200 })
  clientName!: string;

  /** Space-separated grant types. */
  @Column({ type: 'text' })
  grantTypes!: string;

  @Column({ type: 'varchar', length: 32 })
  tokenEndpointAuthMethod!: ClientAuthMethod;

  /** Keyed hash of the secret (client-secrets.ts); never selected by default. */
  @Column({ type: 'text', nullable: true, select: false })
  secretHash!: string | null;

  /** Inline JWK Set as JSON, for private_key_jwt. */
  @Column({ type: 'text', nullable: true })
  jwks!: string | null;

  @Column({ type: 'text', nullable: true })
  jwksUri!: string | null;

  /** Space-separated scopes the client may be granted. */
  @Column({ type: 'text' })
  scope!: string;

  /** `aud` of its tokens; null: AUDIENCE. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  audience!: string | null;

  /** Lifetime of its access tokens in seconds; null: ACCESS_TOKEN_TTL. */
  @Column({ type: 'integer', nullable: true })
  accessTokenTtlSeconds!: number | null;

  @Column({ type: 'varchar', length: 8 })
  accessTokenFormat!: AccessTokenFormat;

  @TimestampColumn()
  createdAt!: Date;

  @TimestampColumn()
  updatedAt!: Date;
}
