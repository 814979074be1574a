import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { AuthorityRole, CertificateAuthority } from './certificate-authority.entity';

@Injectable()
export class PkiRepository {
  constructor(
    @InjectRepository(CertificateAuthority)
    private readonly authorities: Repository<CertificateAuthority>,
  ) {}

  findByRoles(roles: AuthorityRole[], manager?: EntityManager): Promise<CertificateAuthority[]> {
    return this.repository(manager).find({
      where: { role: In(roles) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  findById(id: string, manager?: EntityManager): Promise<CertificateAuthority | null> {
    return this.repository(manager).findOneBy({ id });
  }

  async findPrivateEnvelope(id: string, manager?: EntityManager): Promise<string | undefined> {
    const row = await this.repository(manager)
      .createQueryBuilder('authority')
      .select('authority.privateKeyEnvelope', 'envelope')
      .where('authority.id = :id', { id })
      .getRawOne<{ envelope: string | null }>();
    return row?.envelope ?? undefined;
  }

  /** Every stored CA key envelope (imported roots have none), to re-seal under a new KEK. */
  async findAllEnvelopes(): Promise<{ id: string; envelope: string }[]> {
    const rows = await this.authorities
      .createQueryBuilder('authority')
      .select('authority.id', 'id')
      .addSelect('authority.privateKeyEnvelope', 'envelope')
      .getRawMany<{ id: string; envelope: string | null }>();
    return rows.filter((row): row is { id: string; envelope: string } => row.envelope !== null);
  }

  async updateEnvelope(manager: EntityManager, id: string, envelope: string): Promise<void> {
    await this.repository(manager).update({ id }, { privateKeyEnvelope: envelope });
  }

  async insert(manager: EntityManager, authority: CertificateAuthority): Promise<void> {
    await this.repository(manager).insert(authority);
  }

  private repository(manager?: EntityManager): Repository<CertificateAuthority> {
    return manager ? manager.getRepository(CertificateAuthority) : this.authorities;
  }
}
