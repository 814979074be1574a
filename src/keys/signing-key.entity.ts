import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { SigningAlgorithm } from '../config/signet-config';
import { TimestampColumn } from '../database/timestamp.column';

/**
 * next → active → retired → (deleted once every token it signed has expired); revoked at any
 * time. next, active and retired keys are published in the JWKS.
 */
export type KeyState = 'next' | 'active' | 'retired' | 'revoked';
export const PUBLISHED_STATES: readonly KeyState[] = ['next', 'active', 'retired'];

@Entity('signing_keys')
export class SigningKey {
  /** RFC 7638 thumbprint of the public key. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid!: string;

  @Column({ type: 'varchar', length: 16 })
  alg!: SigningAlgorithm;

  @Index('idx_signing_keys_state')
  @Column({ type: 'varchar', length: 16 })
  state!: KeyState;

  /** The public JWK as JSON, with kid, alg and use. */
  @Column({ type: 'text' })
  publicJwk!: string;

  /** PKCS#8 private key sealed under a KEK (see key-envelope.ts); never selected by default. */
  @Column({ type: 'text', select: false })
  privateKeyEnvelope!: string;

  /**
   * The key's certificate chain as a JSON array of base64 DER, leaf first (RFC 7517 x5c):
   * issued by Signet's intermediate CA, or imported with the key. Null only until start-up
   * issues the certificate of a key created before certificates existed.
   */
  @Column({ type: 'text', nullable: true })
  certificateChain!: string | null;

  /** The longest lifetime of any token this key signed; decides when a retired key may go. */
  @Column({ type: 'integer' })
  maxTokenTtlSeconds!: number;

  @TimestampColumn()
  createdAt!: Date;

  @TimestampColumn({ nullable: true })
  activatedAt!: Date | null;

  @TimestampColumn({ nullable: true })
  retiredAt!: Date | null;

  @TimestampColumn({ nullable: true })
  revokedAt!: Date | null;
}
