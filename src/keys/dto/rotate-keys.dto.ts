import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { SIGNING_ALGORITHMS, SigningAlgorithm } from '../../config/signet-config';

export class RotateKeysDto {
  /** Algorithm of the fresh next key; default SIGNING_ALG. */
  @ApiPropertyOptional({ enum: SIGNING_ALGORITHMS })
  @IsOptional()
  @IsIn(SIGNING_ALGORITHMS)
  alg?: SigningAlgorithm;
}
