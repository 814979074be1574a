import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../auth/decorators/scopes.decorator';
import { SCOPES } from '../auth/scopes';
import { EventPageResponse } from './dto/event.response';
import { ListEventsQuery } from './dto/list-events.query';
import { OutboxService } from './outbox.service';

@ApiTags('admin: events')
@ApiBearerAuth()
@Scopes(SCOPES.admin)
@Controller('admin/events')
export class AdminEventsController {
  constructor(private readonly outbox: OutboxService) {}

  /** CONTRACT §9: the outbox, oldest first, optionally by status; never the tokens. */
  @Get()
  list(@Query() query: ListEventsQuery): Promise<EventPageResponse> {
    return this.outbox.list(query);
  }
}
