import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsIntegerBetween, IsPetText } from './pet-field.validators';

export class CreatePetDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Rex' })
  @IsPetText(100)
  name!: string;

  @ApiProperty({ minLength: 1, maxLength: 50, example: 'dog' })
  @IsPetText(50)
  species!: string;

  /** Whole years; omitted or null when unknown. */
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 200, nullable: true, example: 3 })
  @IsOptional()
  @IsIntegerBetween(0, 200)
  age?: number | null;
}
