import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { createPublicKey, JsonWebKey as NodeJsonWebKey } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { ConflictError, NotFoundError } from '../common/errors/signet.errors';
import { SignetConfig, SigningAlgorithm } from '../config/signet-config';
import { Transactions } from '../database/transactions';
import { MetricsService } from '../metrics/metrics.service';
import { CertificateAuthorityService } from '../pki/certificate-authority.service';
import { x509 } from '../verifier/x509';
import { KeyEncryptionService } from './key-encryption.service';
import { KeyEnvelopeError } from './key-envelope';
import { generateSigningKey } from './key-material';
import { KeyStore } from './key-store.service';
import { KeysRepository } from './keys.repository';
import { SigningKey } from './signing-key.entity';

const KEYS_LOCK = 'signet:signing-keys';

export interface RotationResult {
  active: SigningKey;
  next: SigningKey;
  retired: SigningKey | null;
}

/**
 * Changes to the key set: the first keys at start-up, rotation, revocation and removal of
 * retired keys. Each change is one transaction under a lock shared by every instance, and
 * fresh key pairs are generated before the transaction opens.
 */
@Injectable()
export class KeyRotationService implements OnModuleInit {
  private readonly logger = new Logger(KeyRotationService.name);

  constructor(
    private readonly config: SignetConfig,
    private readonly repository: KeysRepository,
    private readonly store: KeyStore,
    private readonly encryption: KeyEncryptionService,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
    private readonly authority: CertificateAuthorityService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.resealUnderCurrentKek();
    await this.authority.ensureAuthorities();
    await this.ensureKeys();
    await this.ensureCertificates();
    await this.store.reload();
    await this.assertKekOpensActiveKey();
    this.store.startRefreshing(async () => {
      await this.removeExpiredRetiredKeys();
      await this.rotateIfDue();
    });
  }

  /**
   * KEK rotation: with KEY_ENCRYPTION_KEY_PREVIOUS set, every private key still sealed under
   * it is sealed again under KEY_ENCRYPTION_KEY (idempotent; any instance may do it).
   */
  private async resealUnderCurrentKek(): Promise<void> {
    let resealed = 0;
    for (const { kid, envelope } of await this.repository.findAllEnvelopes()) {
      const next = this.encryption.resealed(envelope, kid);
      if (next) {
        await this.transactions.run((manager) =>
          this.repository.update(manager, kid, { privateKeyEnvelope: next }),
        );
        resealed++;
      }
    }
    if (resealed > 0) {
      this.logger.log({ resealed }, 'Signing keys re-encrypted under the current KEK');
    }
  }

  /** A wrong KEY_ENCRYPTION_KEY is found at start-up, not at the first login. */
  private async assertKekOpensActiveKey(): Promise<void> {
    try {
      await this.store.signingKey();
    } catch (error) {
      if (error instanceof KeyEnvelopeError) {
        throw new Error(
          `KEY_ENCRYPTION_KEY does not open the signing keys in this database (${error.message}); ` +
            'start with the KEK the keys were created under',
        );
      }
      throw error;
    }
  }

  /** Makes sure there is one active and one next key (first start, or after a crash). */
  async ensureKeys(): Promise<void> {
    const alg = this.config.signingAlg;
    const present = await this.repository.findPublished();
    const missing = ['active', 'next'].filter((state) => !present.some((k) => k.state === state));
    if (missing.length === 0) {
      return;
    }
    const fresh = await Promise.all(missing.map(() => this.newKey(alg)));
    const takeFresh = async (): Promise<SigningKey> => fresh.pop() ?? this.newKey(alg);
    await this.transactions.run(async (manager) => {
      await this.transactions.lock(manager, KEYS_LOCK);
      let [active]: (SigningKey | undefined)[] = await this.repository.findByState(
        manager,
        'active',
      );
      let [next]: (SigningKey | undefined)[] = await this.repository.findByState(manager, 'next');
      if (!active && next) {
        active = await this.promote(manager, next);
        next = undefined;
      }
      if (!active) {
        active = await this.insert(manager, await takeFresh(), 'active');
        this.logger.log({ kid: active.kid, alg: active.alg }, 'Created the first signing key');
      }
      if (!next) {
        await this.insert(manager, await takeFresh(), 'next');
      }
    });
  }

  /**
   * Issues certificates for published keys that have none (keys created before Signet had a
   * CA). Costs one query when every key has its certificate, which is every start but one.
   */
  async ensureCertificates(): Promise<void> {
    const lacking = (await this.repository.findPublished()).filter((k) => !k.certificateChain);
    if (lacking.length === 0) {
      return;
    }
    const issued = await Promise.all(
      lacking.map(async (key) => ({
        kid: key.kid,
        chain: await this.certificateChainFor(key.kid, key.publicJwk),
      })),
    );
    await this.transactions.run(async (manager) => {
      await this.transactions.lock(manager, KEYS_LOCK);
      for (const { kid, chain } of issued) {
        await this.repository.setCertificateChainIfMissing(manager, kid, chain);
      }
    });
    this.logger.log({ kids: issued.map((i) => i.kid) }, 'Issued certificates for existing keys');
  }

  /** next → active, active → retired, and a fresh next of `alg` (CONTRACT §7). */
  async rotate(alg: SigningAlgorithm = this.config.signingAlg): Promise<RotationResult> {
    return (await this.rotateUnless(alg))!;
  }

  /**
   * KEY_ROTATION_INTERVAL: rotates once the active key has been active that long. Every
   * instance asks; the age is checked again under the lock, so only one of them rotates.
   */
  async rotateIfDue(): Promise<RotationResult | null> {
    const interval = this.config.keyRotationIntervalSeconds;
    if (interval === 0) {
      return null;
    }
    const dueBefore = this.clock.now().getTime() - interval * 1000;
    const active = (await this.repository.findPublished()).find((k) => k.state === 'active');
    if (!active || (active.activatedAt?.getTime() ?? 0) > dueBefore) {
      return null;
    }
    return this.rotateUnless(this.config.signingAlg, dueBefore);
  }

  /** Rotates, unless `activatedAfter` is given and the active key is younger than it. */
  private async rotateUnless(
    alg: SigningAlgorithm,
    activatedAfter?: number,
  ): Promise<RotationResult | null> {
    const fresh = await this.newKey(alg);
    const result = await this.transactions.run(async (manager) => {
      await this.transactions.lock(manager, KEYS_LOCK);
      const [active] = await this.repository.findByState(manager, 'active');
      if (activatedAfter !== undefined && (active?.activatedAt?.getTime() ?? 0) > activatedAfter) {
        return null;
      }
      const [next] = await this.repository.findByState(manager, 'next');
      const retired = active ? await this.retire(manager, active) : null;
      // There is always a next key; should one be missing, a fresh one is promoted instead.
      const promoted = await this.promote(
        manager,
        next ?? (await this.insert(manager, await this.newKey(alg), 'next')),
      );
      const newNext = await this.insert(manager, fresh, 'next');
      return { active: promoted, next: newNext, retired };
    });
    if (!result) {
      return null;
    }
    this.metrics.keyRotations.inc();
    this.logger.log(
      { active: result.active.kid, next: result.next.kid, retired: result.retired?.kid },
      'Keys rotated',
    );
    await this.store.reload();
    return result;
  }

  /** Revokes a key at once; revoking the active key promotes next and makes a fresh next. */
  async revoke(kid: string): Promise<SigningKey> {
    const target = await this.repository.findByKid(kid);
    if (!target) {
      throw new NotFoundError('Key');
    }
    const fresh =
      target.state === 'active' || target.state === 'next'
        ? await this.newKey(target.alg)
        : undefined;
    const revoked = await this.transactions.run(async (manager) => {
      await this.transactions.lock(manager, KEYS_LOCK);
      const key = await this.repository.findByKid(kid, manager);
      if (!key) {
        throw new NotFoundError('Key');
      }
      if (key.state === 'revoked') {
        return key;
      }
      const wasState = key.state;
      const now = this.clock.now();
      await this.repository.update(manager, kid, { state: 'revoked', revokedAt: now });
      if (wasState === 'active') {
        const [next] = await this.repository.findByState(manager, 'next');
        await this.promote(
          manager,
          next ?? (await this.insert(manager, await this.newKey(key.alg), 'next')),
        );
      }
      if (wasState === 'active' || wasState === 'next') {
        await this.insert(manager, fresh!, 'next');
      }
      return { ...key, state: 'revoked' as const, revokedAt: now };
    });
    this.logger.warn({ kid }, 'Signing key revoked');
    await this.store.reload();
    return revoked;
  }

  /**
   * Installs an imported key as `next`. The displaced next key never signed a token, so it
   * is revoked at no cost; the chain's top certificate becomes a published trust anchor.
   */
  async installImported(key: SigningKey, anchor: x509.X509Certificate): Promise<SigningKey> {
    const installed = await this.transactions.run(async (manager) => {
      await this.transactions.lock(manager, KEYS_LOCK);
      if (await this.repository.findByKid(key.kid, manager)) {
        throw new ConflictError('This key is already in the key set');
      }
      const now = this.clock.now();
      for (const displaced of await this.repository.findByState(manager, 'next')) {
        await this.repository.update(manager, displaced.kid, { state: 'revoked', revokedAt: now });
      }
      await this.authority.recordAnchor(manager, anchor);
      return this.insert(manager, key, 'next');
    });
    this.logger.log({ kid: installed.kid, alg: installed.alg }, 'Imported a signing key as next');
    await this.store.reload();
    return installed;
  }

  /**
   * Deletes retired keys once every token they signed has expired: the longest lifetime
   * they signed, plus the clock skew, plus one refresh period during which another
   * instance may still have signed with the key before it saw the rotation.
   */
  async removeExpiredRetiredKeys(): Promise<void> {
    const grace = this.config.clockSkewSeconds + this.store.refreshPeriodSeconds;
    const removed = await this.transactions.run((manager) =>
      this.repository.deleteExpiredRetired(manager, this.clock.now(), grace),
    );
    if (removed > 0) {
      this.logger.log({ removed }, 'Removed retired keys whose tokens have all expired');
    }
  }

  private async newKey(alg: SigningAlgorithm): Promise<SigningKey> {
    const generated = await generateSigningKey(alg);
    const der = generated.privateKey.export({ format: 'der', type: 'pkcs8' });
    const key = new SigningKey();
    key.kid = generated.kid;
    key.alg = alg;
    key.publicJwk = JSON.stringify(generated.publicJwk);
    key.privateKeyEnvelope = this.encryption.seal(der, generated.kid);
    key.certificateChain = JSON.stringify(
      await this.authority.issueSigningCertificate(generated.kid, generated.publicKey),
    );
    key.maxTokenTtlSeconds = this.config.accessTokenTtlSeconds;
    key.activatedAt = null;
    key.retiredAt = null;
    key.revokedAt = null;
    return key;
  }

  private async certificateChainFor(kid: string, publicJwk: string): Promise<string> {
    const publicKey = createPublicKey({
      key: JSON.parse(publicJwk) as NodeJsonWebKey,
      format: 'jwk',
    });
    return JSON.stringify(await this.authority.issueSigningCertificate(kid, publicKey));
  }

  private async insert(
    manager: EntityManager,
    key: SigningKey,
    state: 'active' | 'next',
  ): Promise<SigningKey> {
    const now = this.clock.now();
    const row: SigningKey = {
      ...key,
      state,
      createdAt: now,
      activatedAt: state === 'active' ? now : null,
    };
    await this.repository.insert(manager, row);
    return row;
  }

  private async promote(manager: EntityManager, key: SigningKey): Promise<SigningKey> {
    const activatedAt = this.clock.now();
    await this.repository.update(manager, key.kid, { state: 'active', activatedAt });
    return { ...key, state: 'active', activatedAt };
  }

  private async retire(manager: EntityManager, key: SigningKey): Promise<SigningKey> {
    const retiredAt = this.clock.now();
    await this.repository.update(manager, key.kid, { state: 'retired', retiredAt });
    return { ...key, state: 'retired', retiredAt };
  }
}
