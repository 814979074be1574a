import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { TokensModule } from '../tokens/tokens.module';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { IntrospectionController } from './introspection.controller';
import { IntrospectionService } from './introspection.service';
import { RevocationService } from './revocation.service';
import { TokenController } from './token.controller';
import { TokenService } from './token.service';

@Module({
  imports: [ClientsModule, TokensModule],
  controllers: [TokenController, IntrospectionController],
  providers: [TokenService, ClientCredentialsGrant, IntrospectionService, RevocationService],
})
export class OAuthModule {}
