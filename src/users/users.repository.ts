import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { User } from './user.entity';

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  findById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  findByUsername(username: string, manager?: EntityManager): Promise<User | null> {
    return this.repository(manager).findOneBy({ username });
  }

  /** The user with the password hash, for login and password change only. */
  findWithPasswordHash(where: { username: string } | { id: string }): Promise<User | null> {
    return this.users
      .createQueryBuilder('user')
      .addSelect('user.passwordHash')
      .where(where)
      .getOne();
  }

  findPage(limit: number, offset: number): Promise<[User[], number]> {
    return this.users.findAndCount({
      order: { createdAt: 'ASC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
  }

  count(manager: EntityManager): Promise<number> {
    return this.repository(manager).count();
  }

  async insert(manager: EntityManager, user: User): Promise<void> {
    await this.repository(manager).insert(user);
  }

  async update(manager: EntityManager, id: string, changes: Partial<User>): Promise<void> {
    await this.repository(manager).update({ id }, changes);
  }

  async delete(manager: EntityManager, id: string): Promise<number> {
    const result = await this.repository(manager).delete({ id });
    return result.affected ?? 0;
  }

  private repository(manager?: EntityManager): Repository<User> {
    return manager ? manager.getRepository(User) : this.users;
  }
}
