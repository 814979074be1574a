import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

export class CreateOutboxEvents1764080000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'outbox_events',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'type', type: 'varchar', length: '64' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'payload', type: 'text' },
          { name: 'payload_hash', type: 'varchar', length: '64' },
          { name: 'access_token', type: 'text' },
          { name: 'reason', type: 'varchar', length: '64', isNullable: true },
          { name: 'attempts', type: 'integer' },
          { name: 'next_attempt_at', type: 'bigint' },
          { name: 'created_at', type: 'bigint' },
          { name: 'processed_at', type: 'bigint', isNullable: true },
          { name: 'relayed_at', type: 'bigint', isNullable: true },
        ],
        // Declared with the table: createIndices races with itself on SQLite.
        indices: [
          new TableIndex({
            name: 'idx_outbox_events_status_next_attempt_at',
            columnNames: ['status', 'next_attempt_at'],
          }),
          new TableIndex({
            name: 'idx_outbox_events_created_at_id',
            columnNames: ['created_at', 'id'],
          }),
          new TableIndex({ name: 'idx_outbox_events_relayed_at', columnNames: ['relayed_at'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('outbox_events');
  }
}
