import { ApiProperty } from '@nestjs/swagger';

/** 202 to POST /pets/{id}/adopt: the adoption completes asynchronously (CONTRACT §8, §9). */
export class AdoptionResponse {
  @ApiProperty({ format: 'uuid' }) adoptionId!: string;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
}
