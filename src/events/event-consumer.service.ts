import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { Transactions } from '../database/transactions';
import { AccessTokenVerifier } from '../tokens/access-token.verifier';
import { EventHandlers, HandlerOutcome } from './event-handlers';
import { checkEventClaims } from './event-message';
import { EVENTS_CLIENT_ID } from './event-tokens.service';
import { OutboxEvent } from './outbox-event.entity';
import { OutboxRepository } from './outbox.repository';

/** After this many failed attempts an event is rejected (retries_exhausted). */
export const MAX_ATTEMPTS = 10;
const FIRST_BACKOFF_SECONDS = 1;
const MAX_BACKOFF_SECONDS = 300;

/** What one pass over the due events did. */
export interface ConsumerReport {
  processed: number;
  rejected: number;
  retried: number;
}

type Decision = HandlerOutcome | { kind: 'failed'; error: unknown };

/** Exponential backoff: 1 s, 2 s, 4 s … capped at 5 minutes. */
export function backoffSeconds(attempts: number): number {
  return Math.min(FIRST_BACKOFF_SECONDS * 2 ** Math.max(attempts - 1, 0), MAX_BACKOFF_SECONDS);
}

/**
 * The in-process consumer of the outbox. Each event is claimed, verified and applied in one
 * transaction with its status change, so a process killed at any point leaves it pending
 * (and it is done by the next pass) or done once. The token is verified like any API's,
 * then bound to the event: adoptions:process, event_id, payload hash, Signet as the actor.
 */
@Injectable()
export class EventConsumer {
  private readonly logger = new Logger(EventConsumer.name);

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly handlers: EventHandlers,
    private readonly verifier: AccessTokenVerifier,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
  ) {}

  /** Processes every due pending event, one transaction each, until none is left. */
  async processPending(): Promise<ConsumerReport> {
    const report: ConsumerReport = { processed: 0, rejected: 0, retried: 0 };
    // Bounded: an event retried in this pass is not due again until its backoff has passed.
    for (let i = 0; i < 10_000; i++) {
      if (!(await this.outbox.hasDue(this.clock.now().getTime()))) {
        break;
      }
      const outcome = await this.processNext();
      if (outcome === undefined) {
        break;
      }
      report[outcome] += 1;
    }
    return report;
  }

  /** Claims and handles the oldest due event; undefined when none is due (or all are taken). */
  async processNext(): Promise<keyof ConsumerReport | undefined> {
    let failure: { event: OutboxEvent; error: unknown } | undefined;
    let result: keyof ConsumerReport | undefined;
    try {
      result = await this.transactions.run(async (manager) => {
        const event = await this.outbox.claimNextDue(
          manager,
          this.clock.now().getTime(),
          this.transactions.isPostgres,
        );
        if (!event) {
          return undefined;
        }
        const decision = await this.decide(manager, event);
        if (decision.kind === 'failed') {
          failure = { event, error: decision.error };
          // Roll back whatever the handler did before it failed.
          throw decision.error;
        }
        return this.complete(manager, event, decision);
      });
    } catch (error) {
      if (!failure) {
        throw error;
      }
      return this.recordFailure(failure.event, failure.error);
    }
    return result;
  }

  private async decide(manager: EntityManager, event: OutboxEvent): Promise<Decision> {
    try {
      let payload: unknown;
      try {
        payload = JSON.parse(event.payload);
      } catch {
        return { kind: 'rejected', reason: 'payload_invalid' };
      }
      const verification = await this.verifier.verify(event.accessToken);
      if (!verification.ok) {
        return { kind: 'rejected', reason: `token_${verification.reason}` };
      }
      const check = checkEventClaims(verification.claims.raw, payload, event.id);
      if (!check.ok) {
        return { kind: 'rejected', reason: check.reason };
      }
      const act = verification.claims.raw.act as { sub: string };
      if (act.sub !== EVENTS_CLIENT_ID) {
        return { kind: 'rejected', reason: 'actor_mismatch' };
      }
      const handler = this.handlers.forType(event.type);
      if (!handler || check.payload.type !== event.type) {
        return { kind: 'rejected', reason: 'type_unknown' };
      }
      return await handler.handle(manager, {
        id: event.id,
        type: event.type,
        payload: check.payload,
        claims: verification.claims,
      });
    } catch (error) {
      return { kind: 'failed', error };
    }
  }

  private async complete(
    manager: EntityManager,
    event: OutboxEvent,
    outcome: HandlerOutcome,
  ): Promise<keyof ConsumerReport> {
    const now = this.clock.now();
    const attempts = event.attempts + 1;
    if (outcome.kind === 'rejected') {
      await this.handlers.forType(event.type)?.release(manager, event.id);
      await this.outbox.updatePending(manager, event.id, {
        status: 'rejected',
        reason: outcome.reason,
        attempts,
        processedAt: now,
      });
      this.logger.warn({ eventId: event.id, reason: outcome.reason }, 'Event rejected');
      return 'rejected';
    }
    await this.outbox.updatePending(manager, event.id, {
      status: 'processed',
      reason: null,
      attempts,
      processedAt: now,
    });
    return 'processed';
  }

  /** A transient failure: try again after a backoff, or give up after MAX_ATTEMPTS. */
  private async recordFailure(event: OutboxEvent, error: unknown): Promise<keyof ConsumerReport> {
    const attempts = event.attempts + 1;
    const now = this.clock.now();
    this.logger.warn({ eventId: event.id, attempts, err: error }, 'Event processing failed');
    if (attempts >= MAX_ATTEMPTS) {
      await this.transactions.run(async (manager) => {
        await this.handlers.forType(event.type)?.release(manager, event.id);
        await this.outbox.updatePending(manager, event.id, {
          status: 'rejected',
          reason: 'retries_exhausted',
          attempts,
          processedAt: now,
        });
      });
      return 'rejected';
    }
    await this.transactions.run((manager) =>
      this.outbox.updatePending(manager, event.id, {
        attempts,
        nextAttemptAt: new Date(now.getTime() + backoffSeconds(attempts) * 1000),
      }),
    );
    return 'retried';
  }
}
