import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module';
import { AccessTokenIssuer } from './access-token.issuer';
import { AccessTokenVerifier } from './access-token.verifier';

@Module({
  imports: [KeysModule],
  providers: [AccessTokenIssuer, AccessTokenVerifier],
  exports: [AccessTokenIssuer, AccessTokenVerifier],
})
export class TokensModule {}
