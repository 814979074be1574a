import { ApiProperty } from '@nestjs/swagger';
import { Pet, PET_STATUSES, PetStatus } from '../pet.entity';

/** A pet as the API shows it; unset optional fields are null, never omitted. */
export class PetResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() species!: string;
  @ApiProperty({ type: 'integer', nullable: true }) age!: number | null;
  @ApiProperty({ enum: PET_STATUSES }) status!: PetStatus;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) ownerId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;

  static of(pet: Pet): PetResponse {
    return {
      id: pet.id,
      name: pet.name,
      species: pet.species,
      age: pet.age,
      status: pet.status,
      ownerId: pet.ownerId,
      createdAt: pet.createdAt.toISOString(),
      updatedAt: pet.updatedAt.toISOString(),
    };
  }
}

export class PetPageResponse {
  @ApiProperty({ type: [PetResponse] }) items!: PetResponse[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
