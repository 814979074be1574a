import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';
import { availableParallelism } from 'node:os';

// OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1. argon2 hashes on
// libuv's thread pool, so logins never block the event loop.
const OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/**
 * At most this many hashes at once, leaving a core to the event loop: the thread pool alone
 * would run four, and on a small machine four hashes starve every other request of CPU while
 * logins pour in. availableParallelism() honours the process's CPU affinity (taskset, cgroups).
 */
export const HASH_CONCURRENCY = Math.max(1, availableParallelism() - 1);

@Injectable()
export class PasswordHasher {
  private dummyHash: Promise<string> | undefined;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  hash(password: string): Promise<string> {
    return this.limited(() => argon2.hash(password, OPTIONS));
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await this.limited(() => argon2.verify(hash, password));
    } catch {
      return false;
    }
  }

  /** Costs what a real verification costs, for an unknown user (no timing oracle). */
  async verifyDummy(password: string): Promise<false> {
    this.dummyHash ??= this.hash('signet-dummy-password-for-unknown-users');
    await this.verify(await this.dummyHash, password);
    return false;
  }

  /** How many hashes wait for a free slot (for tests and metrics). */
  get queued(): number {
    return this.waiting.length;
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= HASH_CONCURRENCY) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await work();
    } finally {
      // The slot passes straight to the next in line, or is freed.
      const next = this.waiting.shift();
      if (next) {
        next();
      } else {
        this.running -= 1;
      }
    }
  }
}
