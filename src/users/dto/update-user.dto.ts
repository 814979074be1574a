import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsScopeString } from './is-scope-string.validator';

export class UpdateUserDto {
  @ApiPropertyOptional({ minLength: 8, maxLength: 128 })
  @IsOptional()
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  password?: string;

  @ApiPropertyOptional({ example: 'pets:read pets:write' })
  @IsOptional()
  @IsScopeString()
  scope?: string;
}
