import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../auth/decorators/scopes.decorator';
import { SCOPES } from '../auth/scopes';
import { PaginationQuery } from '../common/http/pagination.query';
import { KeyPageResponse, KeyResponse, RotationResponse } from './dto/key.response';
import { ImportKeyDto } from './dto/import-key.dto';
import { RotateKeysDto } from './dto/rotate-keys.dto';
import { KeysAdminService } from './keys-admin.service';

@ApiTags('admin: keys')
@ApiBearerAuth()
@Scopes(SCOPES.admin)
@Controller('admin/keys')
export class AdminKeysController {
  constructor(private readonly keys: KeysAdminService) {}

  @Get()
  list(@Query() query: PaginationQuery): Promise<KeyPageResponse> {
    return this.keys.list(query);
  }

  @Post('rotate')
  rotate(@Body() body: RotateKeysDto): Promise<RotationResponse> {
    return this.keys.rotate(body.alg);
  }

  /** CONTRACT §11: an external key with its chain (PEM or PKCS#12) enters as `next`. */
  @Post('import')
  import(@Body() body: ImportKeyDto): Promise<KeyResponse> {
    return this.keys.import(body);
  }

  @Post(':kid/revoke')
  @HttpCode(200)
  revoke(@Param('kid') kid: string): Promise<KeyResponse> {
    return this.keys.revoke(kid);
  }
}
