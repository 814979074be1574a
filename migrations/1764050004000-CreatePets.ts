import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

export class CreatePets1764050004000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'pets',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'species', type: 'varchar', length: '50' },
          { name: 'age', type: 'integer', isNullable: true },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'owner_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
        // Indices are declared with the table: TypeORM's createIndices runs in parallel and
        // races with itself on SQLite's single connection.
        indices: [
          new TableIndex({ name: 'idx_pets_created_at_id', columnNames: ['created_at', 'id'] }),
          new TableIndex({ name: 'idx_pets_status', columnNames: ['status'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('pets');
  }
}
