import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Principal } from '../auth/decorators/principal.decorator';
import { Scopes } from '../auth/decorators/scopes.decorator';
import { AuthenticatedPrincipal } from '../auth/principal';
import { SCOPES } from '../auth/scopes';
import { PaginationQuery } from '../common/http/pagination.query';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { AdoptionsService } from './adoptions.service';
import { AdoptionResponse } from './dto/adoption.response';
import { CreatePetDto } from './dto/create-pet.dto';
import { PetPageResponse, PetResponse } from './dto/pet.response';
import { UpdatePetDto } from './dto/update-pet.dto';
import { PetsService } from './pets.service';

const PetId = Param('id', new UuidParamPipe('Pet'));

/** The protected resource (CONTRACT §8). */
@ApiTags('pets')
@ApiBearerAuth()
@Controller('pets')
export class PetsController {
  constructor(
    private readonly pets: PetsService,
    private readonly adoptions: AdoptionsService,
  ) {}

  @Get()
  @Scopes(SCOPES.petsRead)
  list(@Query() query: PaginationQuery): Promise<PetPageResponse> {
    return this.pets.list(query);
  }

  @Get(':id')
  @Scopes(SCOPES.petsRead)
  get(@PetId id: string): Promise<PetResponse> {
    return this.pets.get(id);
  }

  @Post()
  @Scopes(SCOPES.petsWrite)
  create(@Body() body: CreatePetDto): Promise<PetResponse> {
    return this.pets.create(body);
  }

  @Patch(':id')
  @Scopes(SCOPES.petsWrite)
  update(@PetId id: string, @Body() body: UpdatePetDto): Promise<PetResponse> {
    return this.pets.update(id, body);
  }

  /** CONTRACT §8: a user's request; the event completes it (202 Accepted). */
  @Post(':id/adopt')
  @HttpCode(202)
  @Scopes(SCOPES.petsAdopt)
  adopt(
    @PetId id: string,
    @Principal() principal: AuthenticatedPrincipal,
  ): Promise<AdoptionResponse> {
    return this.adoptions.adopt(id, principal);
  }

  @Delete(':id')
  @HttpCode(204)
  @Scopes(SCOPES.petsDelete)
  delete(@PetId id: string): Promise<void> {
    return this.pets.delete(id);
  }
}
