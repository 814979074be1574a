import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { TokensModule } from '../tokens/tokens.module';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { TokenExchangeGrant } from './grants/token-exchange.grant';
import { IntrospectionController } from './introspection.controller';
import { IntrospectionService } from './introspection.service';
import { RevocationService } from './revocation.service';
import { TokenRateLimitService } from './token-rate-limit.service';
import { TokenController } from './token.controller';
import { TokenService } from './token.service';

@Module({
  imports: [ClientsModule, TokensModule],
  controllers: [TokenController, IntrospectionController],
  providers: [
    TokenService,
    ClientCredentialsGrant,
    TokenExchangeGrant,
    IntrospectionService,
    RevocationService,
    TokenRateLimitService,
  ],
  // The adoption flow exchanges the user's token in-process, under the same rules.
  exports: [TokenExchangeGrant],
})
export class OAuthModule {}
