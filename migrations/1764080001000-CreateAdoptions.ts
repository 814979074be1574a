import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

export class CreateAdoptions1764080001000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'adoptions',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'pet_id', type: 'varchar', length: '36' },
          { name: 'adopter_id', type: 'varchar', length: '36' },
          { name: 'event_id', type: 'varchar', length: '36' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
        // Declared with the table: createIndices races with itself on SQLite.
        indices: [
          new TableIndex({ name: 'idx_adoptions_pet_id', columnNames: ['pet_id'] }),
          new TableIndex({
            name: 'idx_adoptions_event_id',
            columnNames: ['event_id'],
            isUnique: true,
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('adoptions');
  }
}
