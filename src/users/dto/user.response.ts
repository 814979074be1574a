import { ApiProperty } from '@nestjs/swagger';
import { User } from '../user.entity';

/** A user as the admin API shows it: never the password hash. */
export class UserResponse {
  @ApiProperty() id!: string;
  @ApiProperty() username!: string;
  @ApiProperty() scope!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(user: User): UserResponse {
    return {
      id: user.id,
      username: user.username,
      scope: user.scope,
      createdAt: user.createdAt.toISOString(),
      updatedAt: user.updatedAt.toISOString(),
    };
  }
}

export class UserPageResponse {
  @ApiProperty({ type: [UserResponse] }) items!: UserResponse[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
