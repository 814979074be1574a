import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  JsonWebKey as NodeJsonWebKey,
  KeyObject,
} from 'node:crypto';
import { JWK } from 'jose';
import { SignetConfig, SigningAlgorithm } from '../config/signet-config';
import { Transactions } from '../database/transactions';
import { x5tS256 } from '../pki/certificates';
import { KeyEncryptionService } from './key-encryption.service';
import { KeysRepository } from './keys.repository';
import { KeyState, SigningKey } from './signing-key.entity';

/** A published key, imported once into a KeyObject. */
export interface VerificationKey {
  kid: string;
  alg: SigningAlgorithm;
  state: KeyState;
  publicKey: KeyObject;
  /** As published: key parameters, kid, alg, use, and x5c / x5t#S256 when certified. */
  publicJwk: JWK;
  /** RFC 7515 §4.1.6 x5c: base64 DER, leaf first. */
  certificateChain: string[] | undefined;
}

export interface SigningKeyHandle {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: KeyObject;
  publicJwk: JWK;
  certificateChain: string[] | undefined;
}

/** The JWKS document, serialised once per key change. */
export interface JwksDocument {
  body: Buffer;
  etag: string;
}

/** After an unknown kid, the key set is reloaded at most this often. */
const UNKNOWN_KID_RELOAD_INTERVAL_MS = 1000;

/**
 * Each instance's cache of the published keys. The database is the truth; the cache reloads
 * every KEY_CACHE_REFRESH_SECONDS, after this instance changes keys, and (rate-limited) when
 * a token names a kid it does not know — so a rotation or revocation on another instance is
 * seen within one refresh period.
 */
@Injectable()
export class KeyStore implements OnApplicationShutdown {
  private readonly logger = new Logger(KeyStore.name);
  private keys = new Map<string, VerificationKey>();
  private activeKid: string | undefined;
  private signing: SigningKeyHandle | undefined;
  private jwksDocument: JwksDocument = { body: Buffer.from('{"keys":[]}'), etag: '""' };
  private fingerprint = '';
  private reloading: Promise<void> | undefined;
  private lastUnknownKidReloadAt = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Per kid, the longest token lifetime already recorded in the database. */
  private readonly recordedTtl = new Map<string, number>();

  constructor(
    private readonly config: SignetConfig,
    private readonly repository: KeysRepository,
    private readonly encryption: KeyEncryptionService,
    private readonly transactions: Transactions,
  ) {}

  /** Starts the periodic refresh; `onRefresh` runs maintenance after each reload. */
  startRefreshing(onRefresh: () => Promise<void>): void {
    this.timer = setInterval(() => {
      void onRefresh()
        .then(() => this.reload())
        .catch((err: unknown) => this.logger.error({ err }, 'Key refresh failed'));
    }, this.config.keyCacheRefreshSeconds * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Reloads the published keys; concurrent callers share one reload. */
  reload(): Promise<void> {
    this.reloading ??= this.load().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  /** Whether `kid` is published as this instance last loaded the keys (no reload). */
  isPublished(kid: string): boolean {
    return this.keys.has(kid);
  }

  /** A published key by kid; an unknown kid triggers a rate-limited reload first. */
  async verificationKey(kid: string): Promise<VerificationKey | undefined> {
    const known = this.keys.get(kid);
    if (known) {
      return known;
    }
    const now = Date.now();
    if (now - this.lastUnknownKidReloadAt < UNKNOWN_KID_RELOAD_INTERVAL_MS) {
      return undefined;
    }
    this.lastUnknownKidReloadAt = now;
    await this.reload();
    return this.keys.get(kid);
  }

  /** The algorithms of the server's own published keys: the verification allowlist. */
  publishedAlgorithms(): SigningAlgorithm[] {
    return [...new Set([...this.keys.values()].map((k) => k.alg))];
  }

  /** The active key with its private key, decrypted once per kid. */
  async signingKey(): Promise<SigningKeyHandle> {
    if (!this.activeKid) {
      await this.reload();
    }
    const kid = this.activeKid;
    if (!kid) {
      throw new Error('no active signing key');
    }
    if (this.signing?.kid === kid) {
      return this.signing;
    }
    const envelope = await this.repository.findPrivateEnvelope(kid);
    if (!envelope) {
      throw new Error(`signing key ${kid} has no private key`);
    }
    const key = this.keys.get(kid)!;
    const privateKey = createPrivateKey({
      key: this.encryption.open(envelope, kid),
      format: 'der',
      type: 'pkcs8',
    });
    this.signing = {
      kid,
      alg: key.alg,
      privateKey,
      publicJwk: key.publicJwk,
      certificateChain: key.certificateChain,
    };
    return this.signing;
  }

  /**
   * Records, before a token is signed, that `kid` signs tokens living `ttlSeconds`, so the key
   * stays published until they have expired. Written once per kid and lifetime.
   */
  async coverTokenLifetime(kid: string, ttlSeconds: number): Promise<void> {
    if ((this.recordedTtl.get(kid) ?? 0) >= ttlSeconds) {
      return;
    }
    await this.transactions.run(() => this.repository.raiseMaxTokenTtl(kid, ttlSeconds));
    this.recordedTtl.set(kid, ttlSeconds);
  }

  jwks(): JwksDocument {
    return this.jwksDocument;
  }

  /** How stale another instance's view of the keys may be, in seconds. */
  get refreshPeriodSeconds(): number {
    return this.config.keyCacheRefreshSeconds;
  }

  private async load(): Promise<void> {
    const rows = await this.repository.findPublished();
    // A certificate issued by another instance changes the JWKS too.
    const fingerprint = rows
      .map((r) => `${r.kid}:${r.state}:${r.certificateChain ? 'x5c' : ''}`)
      .join(',');
    if (fingerprint === this.fingerprint) {
      return;
    }
    const keys = new Map<string, VerificationKey>();
    for (const row of rows) {
      keys.set(row.kid, this.toVerificationKey(row));
      this.recordedTtl.set(
        row.kid,
        Math.max(this.recordedTtl.get(row.kid) ?? 0, row.maxTokenTtlSeconds),
      );
    }
    this.keys = keys;
    this.activeKid = rows.find((r) => r.state === 'active')?.kid;
    const signingKey = this.signing && keys.get(this.signing.kid);
    if (this.signing && signingKey) {
      this.signing = {
        ...this.signing,
        publicJwk: signingKey.publicJwk,
        certificateChain: signingKey.certificateChain,
      };
    }
    this.jwksDocument = buildJwks(rows.map((r) => keys.get(r.kid)!));
    this.fingerprint = fingerprint;
    this.logger.log({ keys: rows.map((r) => ({ kid: r.kid, state: r.state })) }, 'Key set loaded');
  }

  private toVerificationKey(row: SigningKey): VerificationKey {
    const cached = this.keys.get(row.kid);
    if (cached && (cached.certificateChain !== undefined) === (row.certificateChain !== null)) {
      return { ...cached, state: row.state };
    }
    const keyJwk = JSON.parse(row.publicJwk) as JWK;
    const publicKey = createPublicKey({ key: keyJwk as NodeJsonWebKey, format: 'jwk' });
    const certificateChain = row.certificateChain
      ? (JSON.parse(row.certificateChain) as string[])
      : undefined;
    const publicJwk: JWK = certificateChain
      ? { ...keyJwk, x5c: certificateChain, 'x5t#S256': x5tS256(certificateChain) }
      : keyJwk;
    return { kid: row.kid, alg: row.alg, state: row.state, publicKey, publicJwk, certificateChain };
  }
}

const STATE_ORDER: Record<KeyState, number> = { active: 0, next: 1, retired: 2, revoked: 3 };

function buildJwks(keys: VerificationKey[]): JwksDocument {
  const ordered = [...keys].sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state]);
  const body = Buffer.from(JSON.stringify({ keys: ordered.map((k) => k.publicJwk) }));
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
  return { body, etag };
}
