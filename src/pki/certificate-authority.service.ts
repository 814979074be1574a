import { Injectable, Logger } from '@nestjs/common';
import { KeyObject } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { SignetConfig } from '../config/signet-config';
import { Transactions } from '../database/transactions';
import { KeyEncryptionService } from '../keys/key-encryption.service';
import { x509 } from '../verifier/x509';
import { CertificateAuthority } from './certificate-authority.entity';
import {
  createIntermediateCertificate,
  createRootCertificate,
  createSigningCertificate,
  exportCaPrivateKey,
  generateCaKeyPair,
  importCaPrivateKey,
  Issuer,
  toPem,
  toX5c,
  x5tS256,
} from './certificates';
import { PkiRepository } from './pki.repository';

const PKI_LOCK = 'signet:pki';
const ROOT_ID = 'signet-root';
const INTERMEDIATE_ID = 'signet-intermediate';

/** The envelope context of a CA key, so a CA row cannot be swapped with a signing-key row. */
const envelopeContext = (id: string): string => `certificate-authority:${id}`;

/**
 * Signet's CA: a long-lived root and an intermediate that certifies every signing key,
 * their private keys sealed under the KEK like signing keys. Created once, on the first
 * start, in one transaction under a lock shared by every instance.
 */
@Injectable()
export class CertificateAuthorityService {
  private readonly logger = new Logger(CertificateAuthorityService.name);
  private intermediate: Promise<Issuer> | undefined;

  constructor(
    private readonly config: SignetConfig,
    private readonly repository: PkiRepository,
    private readonly encryption: KeyEncryptionService,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
  ) {}

  /** Makes sure the root and intermediate exist: one query on every start but the first. */
  async ensureAuthorities(): Promise<void> {
    await this.resealUnderCurrentKek();
    const present = await this.repository.findByRoles(['root', 'intermediate']);
    if (present.length === 2) {
      return;
    }
    await this.transactions.run(async (manager) => {
      await this.transactions.lock(manager, PKI_LOCK);
      const root = (await this.openIssuer(ROOT_ID, manager)) ?? (await this.createRoot(manager));
      if (!(await this.repository.findById(INTERMEDIATE_ID, manager))) {
        await this.createIntermediate(manager, root);
      }
    });
  }

  /** KEK rotation: CA keys sealed under KEY_ENCRYPTION_KEY_PREVIOUS are sealed again. */
  private async resealUnderCurrentKek(): Promise<void> {
    for (const { id, envelope } of await this.repository.findAllEnvelopes()) {
      const resealed = this.encryption.resealed(envelope, envelopeContext(id));
      if (resealed) {
        await this.transactions.run((manager) =>
          this.repository.updateEnvelope(manager, id, resealed),
        );
      }
    }
  }

  /** The x5c of a new signing key: its certificate from the intermediate, then the intermediate. */
  async issueSigningCertificate(kid: string, publicKey: KeyObject): Promise<string[]> {
    const intermediate = await this.intermediateIssuer();
    const leaf = await createSigningCertificate(
      this.config.issuer,
      kid,
      publicKey,
      intermediate,
      this.clock.now(),
    );
    return toX5c([leaf, intermediate.certificate]);
  }

  /** Signet's root and the roots of imported chains, as one PEM bundle. */
  async trustAnchorsPem(): Promise<string> {
    const rows = await this.repository.findByRoles(['root', 'anchor']);
    // Signet's own root first, then imported roots in the order they arrived.
    const ordered = [
      ...rows.filter((r) => r.role === 'root'),
      ...rows.filter((r) => r.role !== 'root'),
    ];
    return ordered.map((r) => r.certificatePem.trim()).join('\n') + '\n';
  }

  /** Publishes the top certificate of an imported chain as a trust anchor (once). */
  async recordAnchor(manager: EntityManager, certificate: x509.X509Certificate): Promise<void> {
    const id = `anchor:${x5tS256(toX5c([certificate]))}`;
    if (await this.repository.findById(id, manager)) {
      return;
    }
    const row: CertificateAuthority = {
      id,
      role: 'anchor',
      certificatePem: toPem([certificate]),
      privateKeyEnvelope: null,
      createdAt: this.clock.now(),
    };
    await this.repository.insert(manager, row);
  }

  private intermediateIssuer(): Promise<Issuer> {
    this.intermediate ??= this.openIssuer(INTERMEDIATE_ID).then((issuer) => {
      if (!issuer) {
        throw new Error('the intermediate CA is missing: ensureAuthorities() runs at start-up');
      }
      return issuer;
    });
    this.intermediate.catch(() => {
      this.intermediate = undefined;
    });
    return this.intermediate;
  }

  private async openIssuer(id: string, manager?: EntityManager): Promise<Issuer | undefined> {
    const row = await this.repository.findById(id, manager);
    const envelope = row ? await this.repository.findPrivateEnvelope(id, manager) : undefined;
    if (!row || !envelope) {
      return undefined;
    }
    return {
      certificate: new x509.X509Certificate(row.certificatePem),
      privateKey: await importCaPrivateKey(this.encryption.open(envelope, envelopeContext(id))),
    };
  }

  private async createRoot(manager: EntityManager): Promise<Issuer> {
    const keys = await generateCaKeyPair();
    const certificate = await createRootCertificate(this.config.issuer, keys, this.clock.now());
    await this.insertAuthority(manager, ROOT_ID, 'root', certificate, keys.privateKey);
    this.logger.log('Created the root CA: publish GET /admin/pki/trust-anchors to verifiers');
    return { certificate, privateKey: keys.privateKey };
  }

  private async createIntermediate(manager: EntityManager, root: Issuer): Promise<void> {
    const keys = await generateCaKeyPair();
    const certificate = await createIntermediateCertificate(
      this.config.issuer,
      keys.publicKey,
      root,
      this.clock.now(),
    );
    await this.insertAuthority(
      manager,
      INTERMEDIATE_ID,
      'intermediate',
      certificate,
      keys.privateKey,
    );
  }

  private async insertAuthority(
    manager: EntityManager,
    id: string,
    role: 'root' | 'intermediate',
    certificate: x509.X509Certificate,
    privateKey: CryptoKeyLike,
  ): Promise<void> {
    const der = await exportCaPrivateKey(privateKey);
    await this.repository.insert(manager, {
      id,
      role,
      certificatePem: toPem([certificate]),
      privateKeyEnvelope: this.encryption.seal(der, envelopeContext(id)),
      createdAt: this.clock.now(),
    });
  }
}

type CryptoKeyLike = Parameters<typeof exportCaPrivateKey>[0];
