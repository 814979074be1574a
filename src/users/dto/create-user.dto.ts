import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IsScopeString } from './is-scope-string.validator';

export class CreateUserDto {
  /** 1 to 64 of letters, digits and . _ @ - */
  @ApiProperty({ example: 'alice' })
  @IsString()
  @Matches(/^[A-Za-z0-9._@-]{1,64}$/, {
    message: 'username must be 1 to 64 letters, digits or . _ @ -',
  })
  username!: string;

  @ApiProperty({ minLength: 8, maxLength: 128 })
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  password!: string;

  /** Space-separated scopes, e.g. "pets:read pets:write". */
  @ApiProperty({ example: 'pets:read' })
  @IsScopeString()
  scope!: string;
}
