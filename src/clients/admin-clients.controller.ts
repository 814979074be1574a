import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../auth/decorators/scopes.decorator';
import { SCOPES } from '../auth/scopes';
import { PaginationQuery } from '../common/http/pagination.query';
import { ClientsService } from './clients.service';
import { ClientPageResponse, ClientResponse } from './dto/client.response';
import { CreateClientDto } from './dto/create-client.dto';
import { UpdateClientDto } from './dto/update-client.dto';

@ApiTags('admin: clients')
@ApiBearerAuth()
@Scopes(SCOPES.admin)
@Controller('admin/clients')
export class AdminClientsController {
  constructor(private readonly clients: ClientsService) {}

  @Post()
  create(@Body() body: CreateClientDto): Promise<ClientResponse> {
    return this.clients.create(body);
  }

  @Get()
  list(@Query() query: PaginationQuery): Promise<ClientPageResponse> {
    return this.clients.list(query);
  }

  @Get(':clientId')
  get(@Param('clientId') clientId: string): Promise<ClientResponse> {
    return this.clients.get(clientId);
  }

  @Patch(':clientId')
  update(
    @Param('clientId') clientId: string,
    @Body() body: UpdateClientDto,
  ): Promise<ClientResponse> {
    return this.clients.update(clientId, body);
  }

  @Delete(':clientId')
  @HttpCode(204)
  delete(@Param('clientId') clientId: string): Promise<void> {
    return this.clients.delete(clientId);
  }

  /** Rotates the secret: the new one is in the answer, once. */
  @Post(':clientId/secret')
  @HttpCode(200)
  rotateSecret(@Param('clientId') clientId: string): Promise<ClientResponse> {
    return this.clients.rotateSecret(clientId);
  }
}
