import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors/signet.errors';
import { PaginationQuery } from '../common/http/pagination.query';
import { SigningAlgorithm } from '../config/signet-config';
import { KeyPageResponse, KeyResponse, RotationResponse } from './dto/key.response';
import { ImportKeyDto } from './dto/import-key.dto';
import { KeyImportService } from './key-import.service';
import { KeyRotationService } from './key-rotation.service';
import { KeysRepository } from './keys.repository';

/** The admin API's view of the key set: entities in, response DTOs out. */
@Injectable()
export class KeysAdminService {
  constructor(
    private readonly repository: KeysRepository,
    private readonly rotation: KeyRotationService,
    private readonly importer: KeyImportService,
  ) {}

  async import(request: ImportKeyDto): Promise<KeyResponse> {
    return KeyResponse.of(await this.importer.import(request));
  }

  async list({ limit, offset }: PaginationQuery): Promise<KeyPageResponse> {
    const [keys, total] = await this.repository.findPage(limit, offset);
    return { items: keys.map((k) => KeyResponse.of(k)), total, limit, offset };
  }

  async rotate(alg?: SigningAlgorithm): Promise<RotationResponse> {
    const { active, next, retired } = await this.rotation.rotate(alg);
    return {
      active: KeyResponse.of(active),
      next: KeyResponse.of(next),
      retired: retired ? KeyResponse.of(retired) : null,
    };
  }

  async revoke(kid: string): Promise<KeyResponse> {
    if (kid.length > 64) {
      throw new NotFoundError('Key');
    }
    return KeyResponse.of(await this.rotation.revoke(kid));
  }
}
