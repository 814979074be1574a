import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../database/timestamp.column';

/** available → pending (adoption requested) → adopted (CONTRACT §8, §9). */
export const PET_STATUSES = ['available', 'pending', 'adopted'] as const;
export type PetStatus = (typeof PET_STATUSES)[number];

// Lists page oldest first by (created_at, id): the index serves that order.
@Entity('pets')
@Index('idx_pets_created_at_id', ['createdAt', 'id'])
export class Pet {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 50 })
  species!: string;

  /** Whole years; null when unknown. */
  @Column({ type: 'integer', nullable: true })
  age!: number | null;

  @Index('idx_pets_status')
  @Column({ type: 'varchar', length: 16 })
  status!: PetStatus;

  /** The adopting user's id, once an adoption is requested. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  ownerId!: string | null;

  @TimestampColumn()
  createdAt!: Date;

  @TimestampColumn()
  updatedAt!: Date;
}
