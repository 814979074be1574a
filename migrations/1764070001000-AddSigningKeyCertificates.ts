import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Each signing key's certificate chain (JSON array of base64 DER, leaf first; RFC 7517 x5c). */
export class AddSigningKeyCertificates1764070001000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'signing_keys',
      new TableColumn({ name: 'certificate_chain', type: 'text', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('signing_keys', 'certificate_chain');
  }
}
