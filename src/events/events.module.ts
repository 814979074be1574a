import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OAuthModule } from '../oauth/oauth.module';
import { TokensModule } from '../tokens/tokens.module';
import { AdminEventsController } from './admin-events.controller';
import { EventConsumer } from './event-consumer.service';
import { EventHandlers } from './event-handlers';
import { EventTokensService } from './event-tokens.service';
import { EventWorker } from './event-worker.service';
import { OutboxEvent } from './outbox-event.entity';
import { OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';
import { eventPublisherProvider } from './relay/event-publisher.provider';
import { EventRelay } from './relay/event-relay.service';

/** The outbox, its event tokens, the in-process consumer and the relay (CONTRACT §9). */
@Module({
  imports: [OAuthModule, TokensModule, TypeOrmModule.forFeature([OutboxEvent])],
  controllers: [AdminEventsController],
  providers: [
    OutboxRepository,
    OutboxService,
    EventTokensService,
    EventHandlers,
    EventConsumer,
    eventPublisherProvider,
    EventRelay,
    EventWorker,
  ],
  exports: [OutboxService, EventHandlers],
})
export class EventsModule {}
