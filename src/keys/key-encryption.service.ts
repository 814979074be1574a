import { Injectable, Logger } from '@nestjs/common';
import { hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignetConfig } from '../config/signet-config';
import { Kek, kekFromBytes, openKey, sealKey } from './key-envelope';

/** Seals and opens private keys under KEY_ENCRYPTION_KEY (or a generated ./data/kek). */
@Injectable()
export class KeyEncryptionService {
  private readonly logger = new Logger(KeyEncryptionService.name);
  private readonly current: Kek;

  constructor(config: SignetConfig) {
    this.current = kekFromBytes(
      config.keyEncryptionKey ?? this.loadOrCreateLocalKek(config.dataDir),
    );
  }

  seal(pkcs8Der: Buffer, kid: string): string {
    return sealKey(pkcs8Der, this.current, kid);
  }

  open(sealed: string, kid: string): Buffer {
    return openKey(sealed, [this.current], kid);
  }

  /** The id of the KEK new envelopes and derived keys use. */
  get currentKekId(): string {
    return this.current.id;
  }

  /** A 256-bit key for `purpose`, derived from the KEK with HKDF-SHA256 (RFC 5869). */
  deriveKey(purpose: string, kekId: string = this.current.id): Buffer | undefined {
    if (kekId !== this.current.id) {
      return undefined;
    }
    return Buffer.from(
      hkdfSync('sha256', this.current.key, Buffer.alloc(0), `signet:${purpose}`, 32),
    );
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
