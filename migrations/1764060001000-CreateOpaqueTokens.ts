import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

export class CreateOpaqueTokens1764060001000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'opaque_tokens',
        columns: [
          { name: 'token_hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'client_id', type: 'varchar', length: '100' },
          { name: 'claims', type: 'text' },
          { name: 'expires_at', type: 'bigint' },
          { name: 'revoked_at', type: 'bigint', isNullable: true },
        ],
        // Declared with the table: createIndices runs in parallel and races on SQLite.
        indices: [
          new TableIndex({ name: 'idx_opaque_tokens_client_id', columnNames: ['client_id'] }),
          new TableIndex({ name: 'idx_opaque_tokens_expires_at', columnNames: ['expires_at'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('opaque_tokens');
  }
}
