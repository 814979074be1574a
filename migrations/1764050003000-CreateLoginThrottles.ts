import { MigrationInterface, QueryRunner, Table } from 'typeorm';

export class CreateLoginThrottles1764050003000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'login_throttles',
        columns: [
          { name: 'subject', type: 'varchar', length: '200', isPrimary: true },
          { name: 'window_started_at', type: 'bigint' },
          { name: 'failures', type: 'integer' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('login_throttles');
  }
}
