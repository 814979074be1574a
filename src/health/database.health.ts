import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';

/**
 * `SELECT 1` on Signet's DataSource within a time limit: what terminus' TypeOrmHealthIndicator
 * does, without its package check, which `require`s typeorm and @nestjs/typeorm by name at
 * start-up: in the production bundle that loaded a second, uncompiled copy of both (~700
 * modules, a third of the start-up time).
 */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly dataSource: DataSource,
    private readonly indicator: HealthIndicatorService,
  ) {}

  async pingCheck(key: string, timeoutMs: number): Promise<HealthIndicatorResult> {
    const check = this.indicator.check(key);
    const abort = new AbortController();
    const timedOut = sleep(timeoutMs, 'timeout' as const, { signal: abort.signal });
    try {
      const answered = this.dataSource.query<unknown>('SELECT 1').then(() => 'answered' as const);
      const outcome = await Promise.race([answered, timedOut]);
      return outcome === 'timeout' ? check.down(`timeout of ${timeoutMs}ms exceeded`) : check.up();
    } catch {
      // The driver's message stays out of the answer.
      return check.down();
    } finally {
      abort.abort();
    }
  }
}
