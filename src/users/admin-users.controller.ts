import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../auth/decorators/scopes.decorator';
import { SCOPES } from '../auth/scopes';
import { PaginationQuery } from '../common/http/pagination.query';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { CreateUserDto } from './dto/create-user.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { UserPageResponse, UserResponse } from './dto/user.response';
import { UsersService } from './users.service';

const UserId = Param('id', new UuidParamPipe('User'));

@ApiTags('admin: users')
@ApiBearerAuth()
@Scopes(SCOPES.admin)
@Controller('admin/users')
export class AdminUsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  create(@Body() body: CreateUserDto): Promise<UserResponse> {
    return this.users.create(body);
  }

  @Get()
  list(@Query() query: PaginationQuery): Promise<UserPageResponse> {
    return this.users.list(query);
  }

  @Get(':id')
  get(@UserId id: string): Promise<UserResponse> {
    return this.users.get(id);
  }

  @Patch(':id')
  update(@UserId id: string, @Body() body: UpdateUserDto): Promise<UserResponse> {
    return this.users.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  delete(@UserId id: string): Promise<void> {
    return this.users.delete(id);
  }
}
