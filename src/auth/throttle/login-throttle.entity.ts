import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../../database/timestamp.column';

/** Failed-login counters in a fixed window, shared by every instance through the database. */
@Entity('login_throttles')
export class LoginThrottle {
  /** `user:<username>` or `ip:<address>`. */
  @PrimaryColumn({ type: 'varchar', length: 200 })
  subject!: string;

  @TimestampColumn()
  windowStartedAt!: Date;

  @Column({ type: 'integer' })
  failures!: number;
}
