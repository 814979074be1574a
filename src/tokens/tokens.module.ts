import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { KeysModule } from '../keys/keys.module';
import { AccessTokenIssuer } from './access-token.issuer';
import { AccessTokenVerifier } from './access-token.verifier';
import { OpaqueToken } from './opaque/opaque-token.entity';
import { OpaqueTokensService } from './opaque/opaque-tokens.service';

@Module({
  imports: [KeysModule, TypeOrmModule.forFeature([OpaqueToken])],
  providers: [AccessTokenIssuer, AccessTokenVerifier, OpaqueTokensService],
  exports: [AccessTokenIssuer, AccessTokenVerifier, OpaqueTokensService],
})
export class TokensModule {}
