import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../database/timestamp.column';

/** requested (pet pending) → completed (pet adopted), or → rejected (pet available again). */
export type AdoptionStatus = 'requested' | 'completed' | 'rejected';

/** One user's request to adopt one pet, completed by its outbox event. */
@Entity('adoptions')
export class Adoption {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index('idx_adoptions_pet_id')
  @Column({ type: 'varchar', length: 36 })
  petId!: string;

  /** The user id (token `sub`) who asked. */
  @Column({ type: 'varchar', length: 36 })
  adopterId!: string;

  @Index('idx_adoptions_event_id', { unique: true })
  @Column({ type: 'varchar', length: 36 })
  eventId!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: AdoptionStatus;

  @TimestampColumn()
  createdAt!: Date;

  @TimestampColumn()
  updatedAt!: Date;
}
