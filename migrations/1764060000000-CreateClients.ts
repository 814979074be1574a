import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

export class CreateClients1764060000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'clients',
        columns: [
          { name: 'client_id', type: 'varchar', length: '100', isPrimary: true },
          { name: 'client_name', type: 'varchar', length: '200' },
          { name: 'grant_types', type: 'text' },
          { name: 'token_endpoint_auth_method', type: 'varchar', length: '32' },
          { name: 'secret_hash', type: 'text', isNullable: true },
          { name: 'jwks', type: 'text', isNullable: true },
          { name: 'jwks_uri', type: 'text', isNullable: true },
          { name: 'scope', type: 'text' },
          { name: 'audience', type: 'varchar', length: '200', isNullable: true },
          { name: 'access_token_ttl_seconds', type: 'integer', isNullable: true },
          { name: 'access_token_format', type: 'varchar', length: '8' },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'used_assertions',
        columns: [
          { name: 'client_id', type: 'varchar', length: '100', isPrimary: true },
          { name: 'jti', type: 'varchar', length: '256', isPrimary: true },
          { name: 'expires_at', type: 'bigint' },
        ],
      }),
    );
    await queryRunner.createIndex(
      'used_assertions',
      new TableIndex({ name: 'idx_used_assertions_expires_at', columnNames: ['expires_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('used_assertions');
    await queryRunner.dropTable('clients');
  }
}
