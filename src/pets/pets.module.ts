import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module';
import { Adoption } from './adoption.entity';
import { AdoptionEventHandler } from './adoption-event.handler';
import { AdoptionsRepository } from './adoptions.repository';
import { AdoptionsService } from './adoptions.service';
import { Pet } from './pet.entity';
import { BenchmarkPetsController } from './benchmark-pets.controller';
import { PetsController } from './pets.controller';
import { PetsRepository } from './pets.repository';
import { PetsService } from './pets.service';

@Module({
  imports: [EventsModule, TypeOrmModule.forFeature([Pet, Adoption])],
  controllers: [PetsController, BenchmarkPetsController],
  providers: [
    PetsRepository,
    PetsService,
    AdoptionsRepository,
    AdoptionsService,
    AdoptionEventHandler,
  ],
  exports: [PetsService],
})
export class PetsModule {}
