import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../database/timestamp.column';

@Entity('users')
export class User {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index('uq_users_username', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  username!: string;

  /** argon2id PHC string; never selected by default, never returned. */
  @Column({ type: 'text', select: false })
  passwordHash!: string;

  /** Space-separated scopes. */
  @Column({ type: 'text' })
  scope!: string;

  @TimestampColumn()
  createdAt!: Date;

  @TimestampColumn()
  updatedAt!: Date;
}
