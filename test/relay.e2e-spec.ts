import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { connect, JetStreamManager, NatsConnection, StringCodec } from 'nats';
import { DataSource } from 'typeorm';
import { checkEventClaims, EventMessage } from '../src/events/event-message';
import { EventConsumer } from '../src/events/event-consumer.service';
import { OutboxEvent } from '../src/events/outbox-event.entity';
import { EventRelay } from '../src/events/relay/event-relay.service';
import { AccessTokenVerifier } from '../src/tokens/access-token.verifier';
import { createTestApp, TestApp } from './support/app';
import { createUserToken, loginAsAdmin } from './support/auth';

// A new database, migrations and argon2 hashes: slow on a busy two-core machine.
const SETUP_TIMEOUT_MS = 30_000;

// The NATS server with JetStream that .ci/run makes sure is up (../shared/STACK.md).
const NATS_URL = 'nats://127.0.0.1:4222';
const codec = StringCodec();

/** Adopts a new pet as a new user; returns the event id. */
async function adoptAPet(t: TestApp): Promise<{ eventId: string; userId: string }> {
  const admin = await loginAsAdmin(t);
  const user = await createUserToken(t, admin, 'pets:adopt');
  const pet = await t
    .http()
    .post('/pets')
    .set('Authorization', `Bearer ${admin}`)
    .send({ name: 'Rex', species: 'dog' })
    .expect(201);
  const adoption = await t
    .http()
    .post(`/pets/${(pet.body as { id: string }).id}/adopt`)
    .set('Authorization', `Bearer ${user.token}`)
    .expect(202);
  return { eventId: (adoption.body as { eventId: string }).eventId, userId: user.id };
}

/** What a consumer in another service does with a message: verify the token, then bind it. */
async function verifyMessage(t: TestApp, message: EventMessage): Promise<unknown> {
  const verification = await t.app.get(AccessTokenVerifier).verify(message.accessToken);
  if (!verification.ok) {
    return verification.reason;
  }
  const check = checkEventClaims(verification.claims.raw, message.payload);
  return check.ok ? 'ok' : check.reason;
}

describe('the relay to NATS JetStream (a real broker)', () => {
  let t: TestApp;
  let nats: NatsConnection;
  let jsm: JetStreamManager;
  const suffix = randomBytes(6).toString('hex');
  const stream = `SIGNET_TEST_${suffix}`;
  const subject = `signet.test.${suffix}`;

  beforeAll(async () => {
    nats = await connect({ servers: NATS_URL });
    jsm = await nats.jetstreamManager();
    t = await createTestApp({
      config: {
        eventPollIntervalSeconds: 0,
        eventBroker: 'nats',
        natsUrl: NATS_URL,
        natsStream: stream,
        natsSubject: subject,
      },
    });
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t.close({ drop: true });
    await jsm.streams.delete(stream).catch(() => undefined);
    await nats.drain();
  });

  async function streamMessages(): Promise<EventMessage[]> {
    const info = await jsm.streams.info(stream);
    const messages: EventMessage[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const stored = await jsm.streams.getMessage(stream, { seq });
      messages.push(JSON.parse(codec.decode(stored.data)) as EventMessage);
    }
    return messages;
  }

  it('publishes each event once as {accessToken, payload}, verifiable by another service', async () => {
    const { eventId, userId } = await adoptAPet(t);
    expect(await t.app.get(EventRelay).relayPending()).toBe(1);

    const messages = await streamMessages();
    expect(messages).toEqual([
      {
        accessToken: expect.any(String),
        payload: expect.objectContaining({ eventId, adopterId: userId }),
      },
    ]);
    expect(await verifyMessage(t, messages[0])).toBe('ok');
    const info = await jsm.streams.info(stream);
    expect(info.config.subjects).toEqual([`${subject}.>`]);
    const last = await jsm.streams.getMessage(stream, { seq: info.state.last_seq });
    expect(last.subject).toBe(`${subject}.pet.adoption.requested`);

    // Already relayed: nothing more to publish.
    expect(await t.app.get(EventRelay).relayPending()).toBe(0);
  });

  it('relays processed events too, and never a second copy of one', async () => {
    const { eventId } = await adoptAPet(t);
    await t.app.get(EventConsumer).processPending();
    expect(await t.app.get(EventRelay).relayPending()).toBe(1);
    // A crash between the publish and its record: the event is published again, and the
    // broker keeps one message for it (de-duplicated by event id).
    await t.app.get(DataSource).getRepository(OutboxEvent).update(
      { id: eventId },
      {
        relayedAt: null,
      },
    );
    expect(await t.app.get(EventRelay).relayPending()).toBe(1);
    const ids = (await streamMessages()).map((m) => m.payload.eventId);
    expect(ids.filter((id) => id === eventId)).toHaveLength(1);
  });

  it('keeps the payload bytes that were hashed, so a tampered copy is detected', async () => {
    await adoptAPet(t);
    await t.app.get(EventRelay).relayPending();
    const messages = await streamMessages();
    const message = messages[messages.length - 1];
    expect(await verifyMessage(t, message)).toBe('ok');
    expect(
      await verifyMessage(t, { ...message, payload: { ...message.payload, petId: 'another' } }),
    ).toBe('payload_hash_mismatch');
  });
});

describe('the relay when the broker is down', () => {
  it(
    'keeps the events unrelayed and fails, to try again later',
    async () => {
      const t = await createTestApp({
        config: {
          eventPollIntervalSeconds: 0,
          eventBroker: 'nats',
          // Nothing listens there.
          natsUrl: 'nats://127.0.0.1:1',
          natsStream: `SIGNET_TEST_${randomBytes(6).toString('hex')}`,
        },
      });
      try {
        const { eventId } = await adoptAPet(t);
        await expect(t.app.get(EventRelay).relayPending()).rejects.toBeDefined();
        const row = await t.app.get(DataSource).getRepository(OutboxEvent).findOneByOrFail({
          id: eventId,
        });
        expect(row.relayedAt).toBeNull();
      } finally {
        await t.close({ drop: true });
      }
    },
    SETUP_TIMEOUT_MS,
  );
});

// No Kafka broker can run on the CI machines: this runs wherever KAFKA_BROKERS names one
// (docker-compose.yml starts one for developers).
const kafkaBrokers = process.env.KAFKA_BROKERS;
(kafkaBrokers ? describe : describe.skip)('the relay to Kafka (KAFKA_BROKERS)', () => {
  it('publishes each event keyed by its id, verifiable by another service', async () => {
    const brokers = kafkaBrokers!.split(',');
    const topic = `signet-test-${randomBytes(6).toString('hex')}`;
    const kafka = new Kafka({ clientId: 'signet-test', brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const t = await createTestApp({
      config: {
        eventPollIntervalSeconds: 0,
        eventBroker: 'kafka',
        kafkaBrokers: brokers,
        kafkaTopic: topic,
      },
    });
    const consumer = kafka.consumer({ groupId: `${topic}-group` });
    try {
      const { eventId } = await adoptAPet(t);
      expect(await t.app.get(EventRelay).relayPending()).toBe(1);
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = await new Promise<{ key: string; value: string }>((resolve) => {
        void consumer.run({
          eachMessage: ({ message }) => {
            resolve({ key: message.key!.toString(), value: message.value!.toString() });
            return Promise.resolve();
          },
        });
      });
      expect(received.key).toBe(eventId);
      expect(await verifyMessage(t, JSON.parse(received.value) as EventMessage)).toBe('ok');
    } finally {
      await consumer.disconnect();
      await t.close({ drop: true });
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
