import { Provider } from '@nestjs/common';
import { SignetConfig } from '../../config/signet-config';
import { EVENT_PUBLISHER, EventPublisher } from './event-publisher';
import { KafkaPublisher } from './kafka.publisher';
import { NatsPublisher } from './nats.publisher';

/** EVENT_BROKER picks the broker; none: no relay. Connections open on first use. */
export const eventPublisherProvider: Provider = {
  provide: EVENT_PUBLISHER,
  inject: [SignetConfig],
  useFactory: (config: SignetConfig): EventPublisher | null => {
    switch (config.eventBroker) {
      case 'nats':
        return new NatsPublisher({
          url: config.natsUrl,
          stream: config.natsStream,
          subject: config.natsSubject,
        });
      case 'kafka':
        return new KafkaPublisher({ brokers: config.kafkaBrokers, topic: config.kafkaTopic });
      case 'none':
        return null;
    }
  },
};
