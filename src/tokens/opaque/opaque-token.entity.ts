import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../../database/timestamp.column';

/**
 * An opaque access token (clients with access_token_format "opaque"): only its SHA-256 is
 * stored, with the claims a JWT would have carried, for lookups and the phantom-token swap.
 */
@Entity('opaque_tokens')
export class OpaqueToken {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  tokenHash!: string;

  @Index('idx_opaque_tokens_client_id')
  @Column({ type: 'varchar', length: 100 })
  clientId!: string;

  /** The token's claims as JSON (RFC 9068 names). */
  @Column({ type: 'text' })
  claims!: string;

  @Index('idx_opaque_tokens_expires_at')
  @TimestampColumn()
  expiresAt!: Date;

  @TimestampColumn({ nullable: true })
  revokedAt!: Date | null;
}
