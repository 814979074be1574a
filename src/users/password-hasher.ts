import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';

// OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1. argon2 hashes on
// libuv's thread pool, so logins never block the event loop.
const OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

@Injectable()
export class PasswordHasher {
  private dummyHash: Promise<string> | undefined;

  hash(password: string): Promise<string> {
    return argon2.hash(password, OPTIONS);
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
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
}
