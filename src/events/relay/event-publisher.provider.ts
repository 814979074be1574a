import { Provider } from '@nestjs/common';
import { SignetConfig } from '../../config/signet-config';
import { EVENT_PUBLISHER, EventPublisher } from './event-publisher';

/**
 * EVENT_BROKER picks the broker; none: no relay. Connections open on first use, and a broker's
 * client library is loaded only when it is the one configured (start-up time).
 */
export const eventPublisherProvider: Provider = {
  provide: EVENT_PUBLISHER,
  inject: [SignetConfig],
  useFactory: async (config: SignetConfig): Promise<EventPublisher | null> => {
    switch (config.eventBroker) {
      case 'nats': {
        const { NatsPublisher } = await import('./nats.publisher');
        return new NatsPublisher({
          url: config.natsUrl,
          stream: config.natsStream,
          subject: config.natsSubject,
        });
      }
      case 'kafka': {
        const { KafkaPublisher } = await import('./kafka.publisher');
        return new KafkaPublisher({ brokers: config.kafkaBrokers, topic: config.kafkaTopic });
      }
      case 'none':
        return null;
    }
  },
};
