import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

export class CreateCertificateAuthorities1764070000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'certificate_authorities',
        columns: [
          { name: 'id', type: 'varchar', length: '100', isPrimary: true },
          { name: 'role', type: 'varchar', length: '16' },
          { name: 'certificate_pem', type: 'text' },
          { name: 'private_key_envelope', type: 'text', isNullable: true },
          { name: 'created_at', type: 'bigint' },
        ],
        // Declared with the table: createIndices runs in parallel and races on SQLite.
        indices: [
          new TableIndex({ name: 'idx_certificate_authorities_role', columnNames: ['role'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('certificate_authorities');
  }
}
