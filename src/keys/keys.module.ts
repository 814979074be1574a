import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminKeysController } from './admin-keys.controller';
import { JwksController } from './jwks.controller';
import { KeyEncryptionService } from './key-encryption.service';
import { KeyRotationService } from './key-rotation.service';
import { KeyStore } from './key-store.service';
import { KeysAdminService } from './keys-admin.service';
import { KeysRepository } from './keys.repository';
import { SigningKey } from './signing-key.entity';

@Module({
  imports: [TypeOrmModule.forFeature([SigningKey])],
  controllers: [JwksController, AdminKeysController],
  providers: [KeysRepository, KeyEncryptionService, KeyStore, KeyRotationService, KeysAdminService],
  exports: [KeyStore, KeyRotationService, KeyEncryptionService],
})
export class KeysModule {}
