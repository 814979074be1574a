import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, ValidateIf } from 'class-validator';
import { IsIntegerBetween, IsPetText } from './pet-field.validators';

/** Fields to change; an omitted field keeps its value. Status moves only through adoption. */
export class UpdatePetDto {
  // ValidateIf, not IsOptional: null is no name, and must be refused, not skipped.
  @ApiPropertyOptional({ minLength: 1, maxLength: 100, example: 'Rex' })
  @ValidateIf((_dto, value) => value !== undefined)
  @IsPetText(100)
  name?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 50, example: 'dog' })
  @ValidateIf((_dto, value) => value !== undefined)
  @IsPetText(50)
  species?: string;

  /** null clears the age. */
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 200, nullable: true, example: 4 })
  @IsOptional()
  @IsIntegerBetween(0, 200)
  age?: number | null;
}
