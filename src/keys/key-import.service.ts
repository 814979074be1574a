import { Injectable } from '@nestjs/common';
import { createPublicKey } from 'node:crypto';
import { Clock } from '../common/clock';
import { BadRequestError } from '../common/errors/signet.errors';
import { SignetConfig } from '../config/signet-config';
import { toX5c } from '../pki/certificates';
import { validateCertificatePath } from '../verifier/certificate-path';
import { describeRejection } from '../verifier/rejection-messages';
import { ImportKeyDto } from './dto/import-key.dto';
import { KeyEncryptionService } from './key-encryption.service';
import { publicJwkOf } from './key-material';
import { KeyRotationService } from './key-rotation.service';
import {
  algorithmOf,
  assertLeafMatchesKey,
  ImportRejection,
  KeyWithChain,
  parsePemImport,
} from './imported-key';
import { SigningKey } from './signing-key.entity';

/**
 * Imports a signing key certified by another PKI (a company CA): the chain must be in
 * order, signed, within validity and end at a root that becomes a published trust anchor.
 * The key enters as `next`, so it signs after the following rotation.
 */
@Injectable()
export class KeyImportService {
  constructor(
    private readonly config: SignetConfig,
    private readonly rotation: KeyRotationService,
    private readonly encryption: KeyEncryptionService,
    private readonly clock: Clock,
  ) {}

  async import(request: ImportKeyDto): Promise<SigningKey> {
    try {
      return await this.importOrRefuse(request);
    } catch (error) {
      if (error instanceof ImportRejection) {
        throw new BadRequestError('invalid_request', error.message);
      }
      throw error;
    }
  }

  private async importOrRefuse(request: ImportKeyDto): Promise<SigningKey> {
    const { privateKey, chain } = await this.keyWithChain(request);
    const alg = algorithmOf(privateKey, request.alg);
    assertLeafMatchesKey(chain[0], privateKey);
    const x5c = toX5c(chain);
    const top = chain[chain.length - 1];
    const path = await validateCertificatePath(x5c, [top], this.clock.now());
    if (!path.ok) {
      throw new ImportRejection(
        `the certificate chain is refused (${describeRejection(path.reason)})`,
      );
    }
    const publicJwk = await publicJwkOf(createPublicKey(privateKey), alg);
    const kid = publicJwk.kid!;
    const key = new SigningKey();
    key.kid = kid;
    key.alg = alg;
    key.publicJwk = JSON.stringify(publicJwk);
    key.privateKeyEnvelope = this.encryption.seal(
      privateKey.export({ format: 'der', type: 'pkcs8' }),
      kid,
    );
    key.certificateChain = JSON.stringify(x5c);
    key.maxTokenTtlSeconds = this.config.accessTokenTtlSeconds;
    key.activatedAt = null;
    key.retiredAt = null;
    key.revokedAt = null;
    return this.rotation.installImported(key, top);
  }

  private async keyWithChain(request: ImportKeyDto): Promise<KeyWithChain> {
    const hasPem =
      request.private_key_pem !== undefined || request.certificate_chain_pem !== undefined;
    const hasPkcs12 = request.pkcs12_base64 !== undefined;
    if (hasPem === hasPkcs12) {
      throw new ImportRejection(
        'send either private_key_pem and certificate_chain_pem, or pkcs12_base64 and passphrase',
      );
    }
    if (hasPkcs12) {
      // pkijs is loaded on the first PKCS#12 import, not at every start-up.
      const { parsePkcs12Import } = await import('./pkcs12');
      return parsePkcs12Import(
        Buffer.from(request.pkcs12_base64!, 'base64'),
        request.passphrase ?? '',
      );
    }
    if (request.private_key_pem === undefined || request.certificate_chain_pem === undefined) {
      throw new ImportRejection('private_key_pem and certificate_chain_pem go together');
    }
    return parsePemImport(request.private_key_pem, request.certificate_chain_pem);
  }
}
