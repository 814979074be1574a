import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../database/timestamp.column';

/**
 * root and intermediate: Signet's own CA, with their private keys; anchor: the root of an
 * imported chain, published as a trust anchor, with no private key.
 */
export type AuthorityRole = 'root' | 'intermediate' | 'anchor';

@Entity('certificate_authorities')
export class CertificateAuthority {
  /** `signet-root`, `signet-intermediate`, or `anchor:<x5t#S256>` for an imported root. */
  @PrimaryColumn({ type: 'varchar', length: 100 })
  id!: string;

  @Index('idx_certificate_authorities_role')
  @Column({ type: 'varchar', length: 16 })
  role!: AuthorityRole;

  @Column({ type: 'text' })
  certificatePem!: string;

  /** PKCS#8 sealed under the KEK with the id as context; null for anchors; never selected by default. */
  @Column({ type: 'text', nullable: true, select: false })
  privateKeyEnvelope!: string | null;

  @TimestampColumn()
  createdAt!: Date;
}
