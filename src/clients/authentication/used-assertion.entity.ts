import { Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../../database/timestamp.column';

/** A client assertion's jti, kept until the assertion expires so it is accepted once only. */
@Entity('used_assertions')
export class UsedAssertion {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  clientId!: string;

  @PrimaryColumn({ type: 'varchar', length: 256 })
  jti!: string;

  @Index('idx_used_assertions_expires_at')
  @TimestampColumn()
  expiresAt!: Date;
}
