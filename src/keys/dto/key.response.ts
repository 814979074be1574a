import { ApiProperty } from '@nestjs/swagger';
import { SIGNING_ALGORITHMS, SigningAlgorithm } from '../../config/signet-config';
import { KeyState, SigningKey } from '../signing-key.entity';

/** A signing key as the admin API shows it: never any private material. */
export class KeyResponse {
  @ApiProperty() kid!: string;
  @ApiProperty({ enum: SIGNING_ALGORITHMS }) alg!: SigningAlgorithm;
  @ApiProperty({ enum: ['next', 'active', 'retired', 'revoked'] }) state!: KeyState;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) activatedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) retiredAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) revokedAt!: string | null;

  static of(key: SigningKey): KeyResponse {
    return {
      kid: key.kid,
      alg: key.alg,
      state: key.state,
      createdAt: key.createdAt.toISOString(),
      activatedAt: key.activatedAt?.toISOString() ?? null,
      retiredAt: key.retiredAt?.toISOString() ?? null,
      revokedAt: key.revokedAt?.toISOString() ?? null,
    };
  }
}

export class KeyPageResponse {
  @ApiProperty({ type: [KeyResponse] }) items!: KeyResponse[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class RotationResponse {
  @ApiProperty() active!: KeyResponse;
  @ApiProperty() next!: KeyResponse;
  @ApiProperty({ nullable: true, type: KeyResponse }) retired!: KeyResponse | null;
}
