import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { KeysModule } from '../keys/keys.module';
import { AdminClientsController } from './admin-clients.controller';
import { AssertionReplayGuard } from './authentication/assertion-replay.guard';
import { ClientAuthenticationService } from './authentication/client-authentication.service';
import { ClientKeysService } from './authentication/client-keys.service';
import { UsedAssertion } from './authentication/used-assertion.entity';
import { UsedAssertionsRepository } from './authentication/used-assertions.repository';
import { Client } from './client.entity';
import { ClientsRepository } from './clients.repository';
import { ClientsService } from './clients.service';

@Module({
  imports: [KeysModule, TypeOrmModule.forFeature([Client, UsedAssertion])],
  controllers: [AdminClientsController],
  providers: [
    ClientsRepository,
    ClientsService,
    ClientKeysService,
    UsedAssertionsRepository,
    AssertionReplayGuard,
    ClientAuthenticationService,
  ],
  exports: [ClientAuthenticationService, ClientsRepository],
})
export class ClientsModule {}
