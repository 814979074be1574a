import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminKeysController } from './admin-keys.controller';
import { JwksController } from './jwks.controller';
import { PkiModule } from '../pki/pki.module';
import { KeyEncryptionModule } from './key-encryption.module';
import { KeyImportService } from './key-import.service';
import { KeyRotationService } from './key-rotation.service';
import { KeyStore } from './key-store.service';
import { KeysAdminService } from './keys-admin.service';
import { KeysRepository } from './keys.repository';
import { SigningKey } from './signing-key.entity';

@Module({
  imports: [KeyEncryptionModule, PkiModule, TypeOrmModule.forFeature([SigningKey])],
  controllers: [JwksController, AdminKeysController],
  providers: [KeysRepository, KeyStore, KeyRotationService, KeyImportService, KeysAdminService],
  exports: [KeyStore, KeyRotationService, KeyEncryptionModule],
})
export class KeysModule {}
