import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { KeyEncryptionModule } from '../keys/key-encryption.module';
import { CertificateAuthority } from './certificate-authority.entity';
import { CertificateAuthorityService } from './certificate-authority.service';
import { PkiRepository } from './pki.repository';
import { TrustAnchorsController } from './trust-anchors.controller';

@Module({
  imports: [KeyEncryptionModule, TypeOrmModule.forFeature([CertificateAuthority])],
  controllers: [TrustAnchorsController],
  providers: [PkiRepository, CertificateAuthorityService],
  exports: [CertificateAuthorityService],
})
export class PkiModule {}
