import {
  CanActivate,
  Controller,
  Get,
  Injectable,
  NotFoundException,
  Param,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/decorators/public.decorator';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { SignetConfig } from '../config/signet-config';
import { PetResponse } from './dto/pet.response';
import { PetsService } from './pets.service';

/** Unless BENCHMARK_ROUTES=true, the route answers exactly like one that does not exist. */
@Injectable()
class BenchmarkRoutesEnabled implements CanActivate {
  constructor(private readonly config: SignetConfig) {}

  canActivate(): boolean {
    if (!this.config.benchmarkRoutes) {
      // Nest's own words for an unknown route, which the exception filter answers as such.
      throw new NotFoundException('Cannot GET');
    }
    return true;
  }
}

/**
 * GET /pets/{id} made @Public(): the same pipe, service and response without the token
 * guards, so `npm run bench` measures what the guard alone costs (issue 6, target 1).
 */
@ApiExcludeController()
@Public()
@UseGuards(BenchmarkRoutesEnabled)
@Controller('benchmark/pets')
export class BenchmarkPetsController {
  constructor(private readonly pets: PetsService) {}

  @Get(':id')
  get(@Param('id', new UuidParamPipe('Pet')) id: string): Promise<PetResponse> {
    return this.pets.get(id);
  }
}
