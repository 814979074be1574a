import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../../database/timestamp.column';
import { User } from '../../users/user.entity';

/** An opaque refresh token, stored only as its SHA-256; each use rotates it within its chain. */
@Entity('refresh_tokens')
export class RefreshToken {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** base64url SHA-256 of the token (256 random bits, so a fast hash suffices). */
  @Index('uq_refresh_tokens_token_hash', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash!: string;

  @Index('idx_refresh_tokens_user_id')
  @Column({ type: 'varchar', length: 36 })
  userId!: string;

  // Deleting a user deletes their refresh tokens (CONTRACT §3).
  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_refresh_tokens_user' })
  user?: User;

  /** Every token rotated from one login shares the chain id. */
  @Index('idx_refresh_tokens_chain_id')
  @Column({ type: 'varchar', length: 36 })
  chainId!: string;

  /** The scopes granted at login, kept across rotations. */
  @Column({ type: 'text' })
  scope!: string;

  @TimestampColumn()
  createdAt!: Date;

  @TimestampColumn()
  expiresAt!: Date;

  @TimestampColumn({ nullable: true })
  usedAt!: Date | null;

  @TimestampColumn({ nullable: true })
  revokedAt!: Date | null;
}
