import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import {
  AccessTokenFormat,
  CLIENT_AUTH_METHODS,
  CLIENT_ID_PATTERN,
  ClientAuthMethod,
  GRANT_TYPES,
} from '../client.entity';
import { HasNoControlCharacters, IsClientScope, IsOmittable } from './client-metadata.validators';

const GRANT_TYPE_VALUES = Object.values(GRANT_TYPES);

/** RFC 7591 client metadata, plus Signet's audience, token lifetime and token format. */
export class CreateClientDto {
  /** Chosen by the server when absent. */
  @ApiPropertyOptional({ example: 'partner-acme' })
  @IsOmittable()
  @IsString()
  @Matches(CLIENT_ID_PATTERN, {
    message: 'client_id must be 1 to 100 of A-Z a-z 0-9 . _ ~ -',
  })
  client_id?: string;

  @ApiProperty({ example: 'ACME payments' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @HasNoControlCharacters()
  client_name!: string;

  @ApiPropertyOptional({ enum: GRANT_TYPE_VALUES, isArray: true, default: ['client_credentials'] })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2)
  @ArrayUnique()
  @IsIn(GRANT_TYPE_VALUES, { each: true })
  grant_types?: string[];

  @ApiPropertyOptional({ enum: CLIENT_AUTH_METHODS, default: 'client_secret_basic' })
  @IsOmittable()
  @IsIn(CLIENT_AUTH_METHODS)
  token_endpoint_auth_method?: ClientAuthMethod;

  /** Public keys for private_key_jwt, inline (RFC 7517 JWK Set). */
  @ApiPropertyOptional({ type: Object, example: { keys: [] } })
  @IsOptional()
  @IsObject()
  jwks?: { keys?: unknown } | null;

  /** Where the client publishes its public keys, for private_key_jwt. */
  @ApiPropertyOptional({ example: 'https://partner.example/.well-known/jwks.json' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @HasNoControlCharacters()
  jwks_uri?: string | null;

  @ApiProperty({ example: 'pets:read' })
  @IsClientScope()
  scope!: string;

  /** `aud` of the client's tokens; absent or null: AUDIENCE. */
  @ApiPropertyOptional({ example: 'pets-api', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @HasNoControlCharacters()
  audience?: string | null;

  /** Seconds; absent or null: ACCESS_TOKEN_TTL. */
  @ApiPropertyOptional({ minimum: 1, maximum: 86400, nullable: true, type: Number })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(86400)
  access_token_ttl?: number | null;

  @ApiPropertyOptional({ enum: ['jwt', 'opaque'], default: 'jwt' })
  @IsOmittable()
  @IsIn(['jwt', 'opaque'])
  access_token_format?: AccessTokenFormat;
}
