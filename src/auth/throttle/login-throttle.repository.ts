import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { LoginThrottle } from './login-throttle.entity';

@Injectable()
export class LoginThrottleRepository {
  constructor(
    @InjectRepository(LoginThrottle) private readonly throttles: Repository<LoginThrottle>,
  ) {}

  findByKeys(keys: string[]): Promise<LoginThrottle[]> {
    return this.throttles.findBy({ subject: In(keys) });
  }

  /**
   * Counts one failure atomically (one statement, safe across instances): a window that has
   * passed starts again at `now` with one failure.
   */
  async recordFailure(
    manager: EntityManager,
    key: string,
    now: Date,
    windowMs: number,
  ): Promise<void> {
    const postgres = manager.connection.options.type === 'postgres';
    const p = (n: number): string => (postgres ? `$${n}` : '?');
    const expired = `login_throttles.window_started_at + ${p(3)} <= ${p(2)}`;
    const sql =
      `INSERT INTO login_throttles (subject, window_started_at, failures) VALUES (${p(1)}, ${p(2)}, 1) ` +
      `ON CONFLICT (subject) DO UPDATE SET ` +
      `failures = CASE WHEN ${expired} THEN 1 ELSE login_throttles.failures + 1 END, ` +
      `window_started_at = CASE WHEN ${expired} THEN ${p(2)} ELSE login_throttles.window_started_at END`;
    const now_ = now.getTime();
    // SQLite numbers its "?" by position, so the repeated values are passed again.
    const params = postgres
      ? [key, now_, windowMs]
      : [key, now_, windowMs, now_, windowMs, now_, now_];
    await manager.query(sql, params);
  }

  /** Counters whose window started before `cutoff` no longer limit anything. */
  async deleteStartedBefore(manager: EntityManager, cutoff: Date): Promise<number> {
    const result = await manager
      .getRepository(LoginThrottle)
      .createQueryBuilder()
      .delete()
      .where('window_started_at < :cutoff', { cutoff: cutoff.getTime() })
      .execute();
    return result.affected ?? 0;
  }

  async delete(manager: EntityManager, key: string): Promise<void> {
    await manager.getRepository(LoginThrottle).delete({ subject: key });
  }
}
