import { Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { ClientsModule } from './clients/clients.module';
import { CommonModule } from './common/common.module';
import { SignetConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DiscoveryModule } from './discovery/discovery.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { KeysModule } from './keys/keys.module';
import { LoggingModule } from './logging/logging.module';
import { MaintenanceModule } from './maintenance/maintenance.module';
import { MetricsModule } from './metrics/metrics.module';
import { OAuthModule } from './oauth/oauth.module';
import { PetsModule } from './pets/pets.module';
import { TokensModule } from './tokens/tokens.module';
import { UsersModule } from './users/users.module';

@Module({
  imports: [
    SignetConfigModule,
    LoggingModule,
    CommonModule,
    DatabaseModule,
    MetricsModule,
    KeysModule,
    TokensModule,
    UsersModule,
    AuthModule,
    ClientsModule,
    OAuthModule,
    DiscoveryModule,
    PetsModule,
    EventsModule,
    HealthModule,
    MaintenanceModule,
  ],
})
export class AppModule {}
