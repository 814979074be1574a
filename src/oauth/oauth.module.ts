import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { TokensModule } from '../tokens/tokens.module';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { TokenController } from './token.controller';
import { TokenService } from './token.service';

@Module({
  imports: [ClientsModule, TokensModule],
  controllers: [TokenController],
  providers: [TokenService, ClientCredentialsGrant],
})
export class OAuthModule {}
