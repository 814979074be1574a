import { Injectable } from '@nestjs/common';
import { hash } from 'node:crypto';
import { Clock } from '../common/clock';
import { SignetConfig } from '../config/signet-config';
import { KeyStore } from '../keys/key-store.service';
import { AuthenticatedPrincipal } from './principal';

interface Entry {
  principal: AuthenticatedPrincipal;
  kid: string;
  exp: number;
}

/** Enough for the tokens in use on one instance; the oldest entry goes first. */
const MAX_ENTRIES = 10_000;

function kidOf(token: string): string | undefined {
  try {
    const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as {
      kid?: unknown;
    };
    return typeof header.kid === 'string' ? header.kid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * JWTs this instance has already verified, keyed by the token's SHA-256 (raw tokens are not
 * kept). Everything checked at verification is fixed in the token except time and its key:
 * an entry is used only before `exp` (plus skew) and while its kid is still published, so a
 * revoked key refuses its tokens at once. A cache only: losing it costs one verification.
 */
@Injectable()
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly keys: KeyStore,
    private readonly clock: Clock,
    private readonly config: SignetConfig,
  ) {}

  /**
   * Synchronous on purpose: a hit is the guard's whole cost. A kid this instance no longer
   * publishes is a miss, and the full verification that follows reloads the keys if needed.
   */
  get(token: string): AuthenticatedPrincipal | undefined {
    const key = this.keyOf(token);
    const entry = this.entries.get(key);
    if (!entry) {
      return undefined;
    }
    const expired = this.clock.nowSeconds() >= entry.exp + this.config.clockSkewSeconds;
    if (expired || !this.keys.isPublished(entry.kid)) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.principal;
  }

  remember(token: string, principal: AuthenticatedPrincipal): void {
    const kid = kidOf(token);
    const exp = principal.claims.exp;
    if (kid === undefined || typeof exp !== 'number') {
      return;
    }
    if (this.entries.size >= MAX_ENTRIES) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(this.keyOf(token), { principal, kid, exp });
  }

  private keyOf(token: string): string {
    // One-shot hash: no Hash object per request.
    return hash('sha256', token, 'base64url');
  }
}
