import { Module } from '@nestjs/common';
import { KeyEncryptionService } from './key-encryption.service';

/** The KEK envelope on its own, so the PKI can seal its CA keys without a cycle through KeysModule. */
@Module({
  providers: [KeyEncryptionService],
  exports: [KeyEncryptionService],
})
export class KeyEncryptionModule {}
