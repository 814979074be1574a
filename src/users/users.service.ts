import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { ADMIN_SCOPES, formatScopes, parseScopeString } from '../auth/scopes';
import { Clock } from '../common/clock';
import { ConflictError, NotFoundError } from '../common/errors/signet.errors';
import { PaginationQuery } from '../common/http/pagination.query';
import { SignetConfig } from '../config/signet-config';
import { Transactions } from '../database/transactions';
import { isUniqueViolation } from '../database/unique-violation';
import { CreateUserDto } from './dto/create-user.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { UserPageResponse, UserResponse } from './dto/user.response';
import { PasswordHasher } from './password-hasher';
import { User } from './user.entity';
import { UsersRepository } from './users.repository';

/** A user whose password was checked, as login needs it. */
export interface VerifiedUser {
  id: string;
  username: string;
  scopes: string[];
}

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly repository: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
    private readonly config: SignetConfig,
  ) {}

  /** CONTRACT §1: the bootstrap admin, created only when the users table is empty. */
  async onApplicationBootstrap(): Promise<void> {
    const generated = this.config.adminPassword === undefined;
    const password = this.config.adminPassword ?? randomBytes(18).toString('base64url');
    const created = await this.transactions.run(async (manager) => {
      await this.transactions.lock(manager, 'signet:bootstrap-admin');
      if ((await this.repository.count(manager)) > 0) {
        return false;
      }
      const user = this.newUser(
        this.config.adminUsername,
        await this.hasher.hash(password),
        formatScopes(ADMIN_SCOPES),
      );
      await this.repository.insert(manager, user);
      return true;
    });
    if (created && generated) {
      this.logger.warn(
        `Created the bootstrap admin "${this.config.adminUsername}" with the generated password ${password} ` +
          '(shown once: log in and change it, or set ADMIN_PASSWORD before the first start)',
      );
    } else if (created) {
      this.logger.log(
        `Created the bootstrap admin "${this.config.adminUsername}" from ADMIN_PASSWORD`,
      );
    }
  }

  async create(dto: CreateUserDto): Promise<UserResponse> {
    const user = this.newUser(
      dto.username,
      await this.hasher.hash(dto.password),
      formatScopes(parseScopeString(dto.scope)),
    );
    try {
      await this.transactions.run((manager) => this.repository.insert(manager, user));
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError('That username is taken');
      }
      throw error;
    }
    return UserResponse.of(user);
  }

  async list({ limit, offset }: PaginationQuery): Promise<UserPageResponse> {
    const [users, total] = await this.repository.findPage(limit, offset);
    return { items: users.map((u) => UserResponse.of(u)), total, limit, offset };
  }

  async get(id: string): Promise<UserResponse> {
    return UserResponse.of(await this.findOrFail(id));
  }

  async update(id: string, dto: UpdateUserDto): Promise<UserResponse> {
    const user = await this.findOrFail(id);
    const changes: Partial<User> = { updatedAt: this.clock.now() };
    if (dto.scope !== undefined) {
      changes.scope = formatScopes(parseScopeString(dto.scope));
    }
    if (dto.password !== undefined) {
      changes.passwordHash = await this.hasher.hash(dto.password);
    }
    await this.transactions.run((manager) => this.repository.update(manager, id, changes));
    return UserResponse.of({ ...user, ...changes });
  }

  /** Deletes the user; their refresh tokens go with them (foreign key), access tokens expire. */
  async delete(id: string): Promise<void> {
    const deleted = await this.transactions.run((manager) => this.repository.delete(manager, id));
    if (deleted === 0) {
      throw new NotFoundError('User');
    }
  }

  /** Checks a password; an unknown user costs the same argon2 verification as a known one. */
  async verifyCredentials(username: string, password: string): Promise<VerifiedUser | undefined> {
    const user = await this.repository.findWithPasswordHash({ username });
    if (!user) {
      await this.hasher.verifyDummy(password);
      return undefined;
    }
    if (!(await this.hasher.verify(user.passwordHash, password))) {
      return undefined;
    }
    return { id: user.id, username: user.username, scopes: parseScopeString(user.scope) };
  }

  /** Sets a new password if `current` is right; false (and nothing changed) otherwise. */
  async changePassword(id: string, current: string, next: string): Promise<boolean> {
    const user = await this.repository.findWithPasswordHash({ id });
    if (!user || !(await this.hasher.verify(user.passwordHash, current))) {
      return false;
    }
    const passwordHash = await this.hasher.hash(next);
    await this.transactions.run((manager) =>
      this.repository.update(manager, id, { passwordHash, updatedAt: this.clock.now() }),
    );
    return true;
  }

  /** Current scopes of a user, or undefined once deleted. */
  async findActive(id: string): Promise<VerifiedUser | undefined> {
    const user = await this.repository.findById(id);
    return user
      ? { id: user.id, username: user.username, scopes: parseScopeString(user.scope) }
      : undefined;
  }

  private async findOrFail(id: string): Promise<User> {
    const user = await this.repository.findById(id);
    if (!user) {
      throw new NotFoundError('User');
    }
    return user;
  }

  private newUser(username: string, passwordHash: string, scope: string): User {
    const now = this.clock.now();
    return { id: randomUUID(), username, passwordHash, scope, createdAt: now, updatedAt: now };
  }
}
