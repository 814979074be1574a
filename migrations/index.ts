import { MigrationInterface } from 'typeorm';
import { CreateSigningKeys1764050000000 } from './1764050000000-CreateSigningKeys';
import { CreateUsers1764050001000 } from './1764050001000-CreateUsers';
import { CreateRefreshTokens1764050002000 } from './1764050002000-CreateRefreshTokens';
import { CreateLoginThrottles1764050003000 } from './1764050003000-CreateLoginThrottles';
import { CreatePets1764050004000 } from './1764050004000-CreatePets';
import { CreateClients1764060000000 } from './1764060000000-CreateClients';
import { CreateOpaqueTokens1764060001000 } from './1764060001000-CreateOpaqueTokens';
import { CreateCertificateAuthorities1764070000000 } from './1764070000000-CreateCertificateAuthorities';
import { AddSigningKeyCertificates1764070001000 } from './1764070001000-AddSigningKeyCertificates';
import { CreateOutboxEvents1764080000000 } from './1764080000000-CreateOutboxEvents';
import { CreateAdoptions1764080001000 } from './1764080001000-CreateAdoptions';
import { CreatePetCount1764090000000 } from './1764090000000-CreatePetCount';

/**
 * Every migration, oldest first. Listed here rather than found by a glob at start-up, so the
 * production bundle carries them and start-up reads no directory (a test checks that every file
 * in migrations/ is listed).
 */
export const MIGRATIONS: (new () => MigrationInterface)[] = [
  CreateSigningKeys1764050000000,
  CreateUsers1764050001000,
  CreateRefreshTokens1764050002000,
  CreateLoginThrottles1764050003000,
  CreatePets1764050004000,
  CreateClients1764060000000,
  CreateOpaqueTokens1764060001000,
  CreateCertificateAuthorities1764070000000,
  AddSigningKeyCertificates1764070001000,
  CreateOutboxEvents1764080000000,
  CreateAdoptions1764080001000,
  CreatePetCount1764090000000,
];
