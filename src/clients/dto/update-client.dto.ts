import { ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { CreateClientDto } from './create-client.dto';
import { IsClientScope, IsOmittable } from './client-metadata.validators';

/**
 * Every metadata field but the id and the authentication method may change. Null resets
 * audience and access_token_ttl to the defaults and clears jwks or jwks_uri; any other
 * field refuses null (`skipNullProperties: false`), as it must keep a value.
 */
export class UpdateClientDto extends PartialType(
  OmitType(CreateClientDto, ['client_id', 'token_endpoint_auth_method', 'scope'] as const),
  { skipNullProperties: false },
) {
  @ApiPropertyOptional({ example: 'pets:read' })
  @IsOmittable()
  @IsClientScope()
  scope?: string;
}
