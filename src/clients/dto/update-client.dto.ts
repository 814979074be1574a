import { ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { CreateClientDto } from './create-client.dto';
import { IsClientScope } from './client-metadata.validators';

/** Every metadata field but the id and the authentication method may change. */
export class UpdateClientDto extends PartialType(
  OmitType(CreateClientDto, ['client_id', 'token_endpoint_auth_method', 'scope'] as const),
) {
  @ApiPropertyOptional({ example: 'pets:read' })
  @IsOptional()
  @IsClientScope()
  scope?: string;
}
