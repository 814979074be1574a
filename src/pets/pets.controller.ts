import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../auth/decorators/scopes.decorator';
import { SCOPES } from '../auth/scopes';
import { PaginationQuery } from '../common/http/pagination.query';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
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
  constructor(private readonly pets: PetsService) {}

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

  @Delete(':id')
  @HttpCode(204)
  @Scopes(SCOPES.petsDelete)
  delete(@PetId id: string): Promise<void> {
    return this.pets.delete(id);
  }
}
