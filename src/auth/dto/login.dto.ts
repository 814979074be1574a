import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'admin' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  username!: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  password!: string;

  /** A subset of the user's scopes; default all of them. */
  @ApiPropertyOptional({ example: 'pets:read' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  scope?: string;
}
