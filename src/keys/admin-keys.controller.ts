import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../auth/decorators/scopes.decorator';
import { SCOPES } from '../auth/scopes';
import { PaginationQuery } from '../common/http/pagination.query';
import { KeyPageResponse, KeyResponse, RotationResponse } from './dto/key.response';
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

  @Post(':kid/revoke')
  @HttpCode(200)
  revoke(@Param('kid') kid: string): Promise<KeyResponse> {
    return this.keys.revoke(kid);
  }
}
