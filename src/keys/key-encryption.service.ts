import { Injectable, Logger } from '@nestjs/common';
import { hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignetConfig } from '../config/signet-config';
import {
  envelopeKekId,
  Kek,
  kekFromBytes,
  KeyEnvelopeError,
  openKey,
  sealKey,
} from './key-envelope';

/** Seals and opens private keys under KEY_ENCRYPTION_KEY (or a generated ./data/kek). */
@Injectable()
export class KeyEncryptionService {
  private readonly logger = new Logger(KeyEncryptionService.name);
  private readonly current: Kek;
  /** Every KEK that may open an envelope: the current one, then KEY_ENCRYPTION_KEY_PREVIOUS. */
  private readonly keks: Kek[];
  /** Derived keys by KEK id and purpose: HKDF once, not on every client authentication. */
  private readonly derived = new Map<string, Buffer>();

  constructor(config: SignetConfig) {
    this.current = kekFromBytes(
      config.keyEncryptionKey ?? this.loadOrCreateLocalKek(config.dataDir),
    );
    const previous = config.previousKeyEncryptionKey;
    this.keks = previous ? [this.current, kekFromBytes(previous)] : [this.current];
  }

  seal(pkcs8Der: Buffer, kid: string): string {
    return sealKey(pkcs8Der, this.current, kid);
  }

  open(sealed: string, kid: string): Buffer {
    return openKey(sealed, this.keks, kid);
  }

  /** The id of the KEK new envelopes and derived keys use. */
  get currentKekId(): string {
    return this.current.id;
  }

  /** A 256-bit key for `purpose`, derived from the KEK with HKDF-SHA256 (RFC 5869). */
  deriveKey(purpose: string, kekId: string = this.current.id): Buffer | undefined {
    const cacheKey = `${kekId}\u0000${purpose}`;
    const known = this.derived.get(cacheKey);
    if (known) {
      return known;
    }
    const kek = this.keks.find((k) => k.id === kekId);
    if (!kek) {
      return undefined;
    }
    const key = Buffer.from(hkdfSync('sha256', kek.key, Buffer.alloc(0), `signet:${purpose}`, 32));
    this.derived.set(cacheKey, key);
    return key;
  }

  /**
   * The envelope sealed again under the current KEK; undefined when it already is, or when no
   * configured KEK opens it (start-up then reports the wrong KEK with its own message).
   */
  resealed(sealed: string, context: string): string | undefined {
    if (envelopeKekId(sealed) === this.current.id) {
      return undefined;
    }
    try {
      return sealKey(openKey(sealed, this.keks, context), this.current, context);
    } catch (error) {
      if (error instanceof KeyEnvelopeError) {
        return undefined;
      }
      throw error;
    }
  }

  private loadOrCreateLocalKek(dataDir: string): Buffer {
    const path = join(dataDir, 'kek');
    if (existsSync(path)) {
      return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
    }
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
    this.logger.warn(
      `KEY_ENCRYPTION_KEY is not set: generated one into ${path}. Back it up, and set ` +
        'KEY_ENCRYPTION_KEY to the same value on every instance that shares this database.',
    );
    return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  }
}
