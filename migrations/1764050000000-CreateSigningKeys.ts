import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

export class CreateSigningKeys1764050000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'signing_keys',
        columns: [
          { name: 'kid', type: 'varchar', length: '64', isPrimary: true },
          { name: 'alg', type: 'varchar', length: '16' },
          { name: 'state', type: 'varchar', length: '16' },
          { name: 'public_jwk', type: 'text' },
          { name: 'private_key_envelope', type: 'text' },
          { name: 'max_token_ttl_seconds', type: 'integer' },
          { name: 'created_at', type: 'bigint' },
          { name: 'activated_at', type: 'bigint', isNullable: true },
          { name: 'retired_at', type: 'bigint', isNullable: true },
          { name: 'revoked_at', type: 'bigint', isNullable: true },
        ],
      }),
    );
    await queryRunner.createIndex(
      'signing_keys',
      new TableIndex({ name: 'idx_signing_keys_state', columnNames: ['state'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('signing_keys');
  }
}
