import { randomBytes } from 'node:crypto';
import { connect, JetStreamManager, NatsConnection, StringCodec } from 'nats';
import { Outcome, startPaymentsConsumer } from '../examples/payments-consumer/payments-consumer';
import { EventRelay } from '../src/events/relay/event-relay.service';
import { createJwksVerifier } from '../src/verifier';
import { createTestApp, TestApp } from './support/app';
import { createUserToken, loginAsAdmin } from './support/auth';

// A new database, migrations and argon2 hashes: slow on a busy two-core machine.
const SETUP_TIMEOUT_MS = 30_000;

const NATS_URL = 'nats://127.0.0.1:4222';
const codec = StringCodec();

/** Outcomes in arrival order; `next()` waits for the following one (no sleeps). */
class Outcomes {
  private readonly queue: Outcome[] = [];
  private waiting?: (outcome: Outcome) => void;

  push = (outcome: Outcome): void => {
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve(outcome);
    } else {
      this.queue.push(outcome);
    }
  };

  next(): Promise<Outcome> {
    const queued = this.queue.shift();
    return queued ? Promise.resolve(queued) : new Promise((resolve) => (this.waiting = resolve));
  }
}

describe('examples/payments-consumer: another process checking events with src/verifier', () => {
  let t: TestApp;
  let nats: NatsConnection;
  let jsm: JetStreamManager;
  let stop: () => Promise<void>;
  const outcomes = new Outcomes();
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
    // The consumer fetches Signet's JWKS over HTTP, as a separate service would.
    await t.app.listen(0, '127.0.0.1');
    const base = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    const consumer = await startPaymentsConsumer({
      natsUrl: NATS_URL,
      stream,
      subject,
      durable: 'payments',
      verify: createJwksVerifier({
        issuer: t.config.issuer,
        audience: t.config.audience,
        jwksUri: `${base}/.well-known/jwks.json`,
      }),
      onOutcome: outcomes.push,
    });
    stop = consumer.stop;
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await stop();
    await t.close({ drop: true });
    await jsm.streams.delete(stream).catch(() => undefined);
    await nats.drain();
  });

  async function adoptAndRelay(): Promise<{ eventId: string; userId: string; petId: string }> {
    const admin = await loginAsAdmin(t);
    const user = await createUserToken(t, admin, 'pets:adopt');
    const pet = await t
      .http()
      .post('/pets')
      .set('Authorization', `Bearer ${admin}`)
      .send({ name: 'Rex', species: 'dog' })
      .expect(201);
    const petId = (pet.body as { id: string }).id;
    const adoption = await t
      .http()
      .post(`/pets/${petId}/adopt`)
      .set('Authorization', `Bearer ${user.token}`)
      .expect(202);
    expect(await t.app.get(EventRelay).relayPending()).toBe(1);
    return { eventId: (adoption.body as { eventId: string }).eventId, userId: user.id, petId };
  }

  /** The last message on the stream, as published by the relay. */
  async function lastMessage(): Promise<{ accessToken: string; payload: Record<string, unknown> }> {
    const info = await jsm.streams.info(stream);
    const stored = await jsm.streams.getMessage(stream, { seq: info.state.last_seq });
    return JSON.parse(codec.decode(stored.data)) as {
      accessToken: string;
      payload: Record<string, unknown>;
    };
  }

  const publishRaw = (body: unknown) =>
    nats
      .jetstream()
      .publish(`${subject}.pet.adoption.requested`, codec.encode(JSON.stringify(body)));

  it('charges a relayed adoption once, and a second delivery is a duplicate', async () => {
    const { eventId, userId, petId } = await adoptAndRelay();
    expect(await outcomes.next()).toEqual({ kind: 'charged', eventId, adopterId: userId, petId });
    await publishRaw(await lastMessage());
    expect(await outcomes.next()).toEqual({ kind: 'duplicate', eventId });
  });

  it.each([
    [
      'a tampered payload',
      (m: { accessToken: string; payload: Record<string, unknown> }) => ({
        ...m,
        payload: { ...m.payload, petId: 'another-pet' },
      }),
      'payload_hash_mismatch',
    ],
    [
      'a token that is not signed by Signet',
      (m: { accessToken: string; payload: Record<string, unknown> }) => ({
        ...m,
        accessToken: `${m.accessToken.slice(0, -6)}AAAAAA`,
      }),
      'token_signature_invalid',
    ],
    [
      'no token',
      (m: { payload: Record<string, unknown> }) => ({ payload: m.payload }),
      'message_invalid',
    ],
  ])('rejects %s', async (_name, tamper, reason) => {
    await adoptAndRelay();
    await outcomes.next();
    await publishRaw(tamper(await lastMessage()));
    expect(await outcomes.next()).toEqual({ kind: 'rejected', reason });
  });
});
