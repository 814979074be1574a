import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { parseScopeString } from '../../auth/scopes';
import { Client } from '../client.entity';

/** A client as the admin API shows it (RFC 7591 names); the secret only when just made. */
export class ClientResponse {
  @ApiProperty() client_id!: string;
  @ApiProperty() client_name!: string;
  @ApiProperty({ isArray: true, type: String }) grant_types!: string[];
  @ApiProperty() token_endpoint_auth_method!: string;
  @ApiProperty() scope!: string;
  @ApiPropertyOptional({ type: Object }) jwks?: unknown;
  @ApiPropertyOptional() jwks_uri?: string;
  @ApiProperty() audience!: string | null;
  @ApiProperty({ nullable: true, type: Number }) access_token_ttl!: number | null;
  @ApiProperty() access_token_format!: string;
  @ApiProperty({ description: 'seconds since the epoch' }) client_id_issued_at!: number;
  @ApiPropertyOptional({ description: 'shown once, at creation and rotation' })
  client_secret?: string;
  @ApiPropertyOptional({ description: '0: never expires' }) client_secret_expires_at?: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(client: Client, secret?: string): ClientResponse {
    return {
      client_id: client.clientId,
      client_name: client.clientName,
      grant_types: parseScopeString(client.grantTypes),
      token_endpoint_auth_method: client.tokenEndpointAuthMethod,
      scope: client.scope,
      ...(client.jwks === null ? {} : { jwks: JSON.parse(client.jwks) as unknown }),
      ...(client.jwksUri === null ? {} : { jwks_uri: client.jwksUri }),
      audience: client.audience,
      access_token_ttl: client.accessTokenTtlSeconds,
      access_token_format: client.accessTokenFormat,
      client_id_issued_at: Math.floor(client.createdAt.getTime() / 1000),
      ...(secret === undefined ? {} : { client_secret: secret, client_secret_expires_at: 0 }),
      createdAt: client.createdAt.toISOString(),
      updatedAt: client.updatedAt.toISOString(),
    };
  }
}

export class ClientPageResponse {
  @ApiProperty({ type: [ClientResponse] }) items!: ClientResponse[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
