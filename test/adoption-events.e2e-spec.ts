import { DataSource } from 'typeorm';
import { payloadHash } from '../src/events/event-message';
import { EventConsumer } from '../src/events/event-consumer.service';
import { OutboxEvent } from '../src/events/outbox-event.entity';
import { OutboxService } from '../src/events/outbox.service';
import { Adoption } from '../src/pets/adoption.entity';
import { AdoptionsRepository } from '../src/pets/adoptions.repository';
import { createTestApp, TestApp } from './support/app';
import { createUserToken, loginAsAdmin } from './support/auth';
import { apiError } from './support/errors';
import { signWithServerKey, validClaims, withPayloadChanged } from './support/tokens';

// A new database, migrations and argon2 hashes: slow on a busy two-core machine.
const SETUP_TIMEOUT_MS = 30_000;

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

interface EventBody {
  id: string;
  type: string;
  status: string;
  payload: Record<string, unknown>;
  eventPayloadHash: string;
  reason: string | null;
  attempts: number;
  createdAt: string;
  processedAt: string | null;
}

const decode = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;

describe('adoptions through the outbox and the verifying consumer (CONTRACT §8, §9)', () => {
  let t: TestApp;
  let admin: string;
  let user: { id: string; token: string };
  let reader: { id: string; token: string };
  let consumer: EventConsumer;

  beforeAll(async () => {
    // No background polling: each test drives the consumer itself.
    t = await createTestApp({ config: { eventPollIntervalSeconds: 0 } });
    admin = await loginAsAdmin(t);
    user = await createUserToken(t, admin, 'pets:read pets:adopt');
    reader = await createUserToken(t, admin, 'pets:read');
    consumer = t.app.get(EventConsumer);
  }, SETUP_TIMEOUT_MS);
  afterAll(() => t.close({ drop: true }));
  afterEach(() => jest.restoreAllMocks());

  const asAdmin = (path: string) => t.http().get(path).set('Authorization', `Bearer ${admin}`);
  const events = () => t.app.get(DataSource).getRepository(OutboxEvent);
  const adoptions = () => t.app.get(DataSource).getRepository(Adoption);

  async function createPet(name = 'Rex'): Promise<string> {
    const response = await t
      .http()
      .post('/pets')
      .set('Authorization', `Bearer ${admin}`)
      .send({ name, species: 'dog' })
      .expect(201);
    return (response.body as { id: string }).id;
  }

  const adopt = (petId: string, token = user.token) =>
    t.http().post(`/pets/${petId}/adopt`).set('Authorization', `Bearer ${token}`);

  async function adopted(petId: string): Promise<{ adoptionId: string; eventId: string }> {
    const response = await adopt(petId);
    expect(response.status).toBe(202);
    return response.body as { adoptionId: string; eventId: string };
  }

  async function pet(petId: string): Promise<Record<string, unknown>> {
    const response = await asAdmin(`/pets/${petId}`).expect(200);
    return response.body as Record<string, unknown>;
  }

  async function event(eventId: string): Promise<EventBody> {
    const response = await asAdmin('/admin/events?limit=100').expect(200);
    const found = (response.body as { items: EventBody[] }).items.find((e) => e.id === eventId);
    expect(found).toBeDefined();
    return found!;
  }

  async function storedToken(eventId: string): Promise<string> {
    const row = await events()
      .createQueryBuilder('event')
      .addSelect('event.accessToken')
      .where('event.id = :id', { id: eventId })
      .getOneOrFail();
    return row.accessToken;
  }

  describe('POST /pets/{id}/adopt', () => {
    it('answers 202, makes the pet pending and writes one pending event with its token', async () => {
      const petId = await createPet();
      const response = await adopt(petId);
      expect(response.status).toBe(202);
      expect(response.body).toEqual({
        adoptionId: expect.any(String),
        eventId: expect.any(String),
      });
      const { adoptionId, eventId } = response.body as { adoptionId: string; eventId: string };

      expect(await pet(petId)).toMatchObject({ status: 'pending', ownerId: user.id });
      const listed = await event(eventId);
      const payload = {
        eventId,
        type: 'pet.adoption.requested',
        adoptionId,
        petId,
        adopterId: user.id,
        requestedAt: expect.stringMatching(ISO),
      };
      expect(listed).toEqual({
        id: eventId,
        type: 'pet.adoption.requested',
        status: 'pending',
        payload,
        eventPayloadHash: payloadHash(listed.payload),
        reason: null,
        attempts: 0,
        createdAt: expect.stringMatching(ISO),
        processedAt: null,
      });

      const token = await storedToken(eventId);
      const claims = decode(token);
      expect(claims).toEqual({
        iss: 'http://signet.test',
        sub: user.id,
        aud: 'pets-api',
        exp: t.clock.nowSeconds() + 31536000,
        iat: t.clock.nowSeconds(),
        jti: expect.any(String),
        client_id: 'signet-events',
        scope: 'adoptions:process',
        username: expect.any(String),
        act: { sub: 'signet-events' },
        event_id: eventId,
        event_payload_hash: listed.eventPayloadHash,
      });
      const page = await asAdmin('/admin/events?limit=100');
      expect(page.text).not.toContain(token);
      expect(page.text).not.toContain('accessToken');
    });

    it('refuses the event token at HTTP routes', async () => {
      const { eventId } = await adopted(await createPet());
      const token = await storedToken(eventId);
      for (const request of [
        t.http().get('/pets'),
        t.http().post(`/pets/${await createPet()}/adopt`),
        t.http().get('/auth/me'),
      ]) {
        const response = await request.set('Authorization', `Bearer ${token}`);
        expect(response.status).toBe(401);
        expect((response.body as { error: string }).error).toBe('invalid_token');
      }
    });

    it('answers 409 when the pet is not available and 404 for an unknown pet', async () => {
      const petId = await createPet();
      await adopted(petId);
      const again = await adopt(petId);
      expect(again.status).toBe(409);
      expect(again.body).toEqual(apiError(409, 'conflict', 'The pet is not available'));
      const unknown = await adopt('0b0f6b0e-8f3a-4a53-9a51-3c1d7c2d9a00');
      expect(unknown.status).toBe(404);
    });

    it('lets exactly one of two concurrent adoptions of one pet through', async () => {
      const other = await createUserToken(t, admin, 'pets:adopt');
      const petId = await createPet();
      const before = await events().count();
      const responses = await Promise.all([adopt(petId), adopt(petId, other.token)]);
      expect(responses.map((r) => r.status).sort()).toEqual([202, 409]);
      expect(await events().count()).toBe(before + 1);
      expect(await adoptions().countBy({ petId })).toBe(1);
    });

    it('refuses a client token (403), a user without pets:adopt (403) and no token (401)', async () => {
      const petId = await createPet();
      const client = await t
        .http()
        .post('/admin/clients')
        .set('Authorization', `Bearer ${admin}`)
        .send({ client_name: 'Adopting robot', scope: 'pets:read pets:adopt' })
        .expect(201);
      const { client_id, client_secret } = client.body as Record<string, string>;
      const clientToken = (
        await t
          .http()
          .post('/oauth/token')
          .auth(client_id, client_secret)
          .type('form')
          .send({ grant_type: 'client_credentials', scope: 'pets:adopt' })
          .expect(200)
      ).body as { access_token: string };
      const byClient = await adopt(petId, clientToken.access_token);
      expect(byClient.status).toBe(403);
      expect(byClient.body).toEqual(
        apiError(403, 'forbidden', 'Adopting a pet needs a user access token'),
      );
      const byReader = await adopt(petId, reader.token);
      expect(byReader.status).toBe(403);
      expect((byReader.body as { error: string }).error).toBe('insufficient_scope');
      expect((await t.http().post(`/pets/${petId}/adopt`)).status).toBe(401);
      expect(await pet(petId)).toMatchObject({ status: 'available', ownerId: null });
    });

    it('writes the pet change, the adoption and the event in one transaction', async () => {
      const petId = await createPet();
      jest.spyOn(t.app.get(OutboxService), 'add').mockRejectedValueOnce(new Error('disk full'));
      const response = await adopt(petId);
      expect(response.status).toBe(500);
      expect(await pet(petId)).toMatchObject({ status: 'available', ownerId: null });
      expect(await adoptions().countBy({ petId })).toBe(0);
      expect((await adopt(petId)).status).toBe(202);
    });
  });

  describe('GET /admin/events', () => {
    it('filters by status, pages oldest first, and needs admin', async () => {
      await consumer.processPending();
      const { eventId } = await adopted(await createPet());
      const pending = await asAdmin('/admin/events?status=pending');
      expect(pending.status).toBe(200);
      expect(pending.body).toEqual({
        items: [expect.objectContaining({ id: eventId, status: 'pending' })],
        total: 1,
        limit: 20,
        offset: 0,
      });
      const all = await asAdmin('/admin/events?limit=100');
      const created = (all.body as { items: EventBody[] }).items.map((e) => e.createdAt);
      expect([...created].sort()).toEqual(created);
      expect((await asAdmin('/admin/events?status=lost')).status).toBe(400);
      const byUser = await t
        .http()
        .get('/admin/events')
        .set('Authorization', `Bearer ${user.token}`);
      expect(byUser.status).toBe(403);
    });
  });

  describe('the consumer', () => {
    beforeEach(() => consumer.processPending());

    it('completes an adoption: the pet adopted by the token sub, the event processed', async () => {
      const petId = await createPet();
      const { adoptionId, eventId } = await adopted(petId);
      t.clock.advanceSeconds(5);
      expect(await consumer.processPending()).toEqual({ processed: 1, rejected: 0, retried: 0 });
      expect(await pet(petId)).toMatchObject({ status: 'adopted', ownerId: user.id });
      expect(await event(eventId)).toMatchObject({
        status: 'processed',
        reason: null,
        attempts: 1,
        processedAt: t.clock.now().toISOString(),
      });
      expect(await adoptions().findOneByOrFail({ id: adoptionId })).toMatchObject({
        status: 'completed',
      });
      const processed = await asAdmin('/admin/events?status=processed&limit=100');
      expect((processed.body as { items: EventBody[] }).items.map((e) => e.id)).toContain(eventId);
    });

    it('processes an event delivered twice only once', async () => {
      const petId = await createPet();
      const { eventId } = await adopted(petId);
      await consumer.processPending();
      const first = await pet(petId);
      expect(await consumer.processPending()).toEqual({ processed: 0, rejected: 0, retried: 0 });
      // Redelivery: the same event is pending again (e.g. restored from a backup).
      t.clock.advanceSeconds(10);
      await events().update({ id: eventId }, { status: 'pending', processedAt: null });
      expect(await consumer.processPending()).toEqual({ processed: 1, rejected: 0, retried: 0 });
      expect(await pet(petId)).toEqual(first);
      expect(await event(eventId)).toMatchObject({ status: 'processed', attempts: 2 });
    });

    it('never hands one event to two consumers running at once', async () => {
      const petId = await createPet();
      await adopted(petId);
      const reports = await Promise.all([consumer.processPending(), consumer.processPending()]);
      expect(reports.reduce((sum, r) => sum + r.processed + r.rejected + r.retried, 0)).toBe(1);
      expect(await pet(petId)).toMatchObject({ status: 'adopted' });
    });

    type Tamper = (eventId: string, row: OutboxEvent, token: string) => Promise<unknown>;
    const setToken = (eventId: string, accessToken: string) =>
      events().update({ id: eventId }, { accessToken });
    /** A correctly signed event token for the row, with `changes` to its claims. */
    const forgedToken = (row: OutboxEvent, eventId: string, changes: Record<string, unknown>) =>
      signWithServerKey(
        t,
        validClaims(t, {
          sub: user.id,
          client_id: 'signet-events',
          scope: 'adoptions:process',
          act: { sub: 'signet-events' },
          event_id: eventId,
          event_payload_hash: row.payloadHash,
          ...changes,
        }),
      );

    it.each<[string, Tamper, string]>([
      [
        'a tampered payload',
        async (eventId, row) => {
          const payload = JSON.parse(row.payload) as Record<string, unknown>;
          await events().update(
            { id: eventId },
            { payload: JSON.stringify({ ...payload, requestedAt: '2000-01-01T00:00:00.000Z' }) },
          );
        },
        'payload_hash_mismatch',
      ],
      [
        'the token of another event (wrong event_id)',
        async (eventId) => {
          const other = await adopted(await createPet('Other'));
          await setToken(eventId, await storedToken(other.eventId));
        },
        'event_id_mismatch',
      ],
      ['a user token instead of an event token', (id) => setToken(id, user.token), 'scope_missing'],
      [
        'an event token without adoptions:process',
        async (id, row) => setToken(id, await forgedToken(row, id, { scope: 'pets:adopt' })),
        'scope_missing',
      ],
      [
        'an expired event token',
        async (id, row) => {
          const now = t.clock.nowSeconds();
          await setToken(id, await forgedToken(row, id, { iat: now - 7200, exp: now - 3600 }));
        },
        'token_expired',
      ],
      [
        'an altered, no longer signed token',
        (id, _row, token) => setToken(id, withPayloadChanged(token, { sub: reader.id })),
        'token_signature_invalid',
      ],
      [
        'an event token minted by another client',
        async (id, row) => setToken(id, await forgedToken(row, id, { act: { sub: 'payments' } })),
        'actor_mismatch',
      ],
      [
        "an event token for another user than the payload's adopter",
        async (id, row) => setToken(id, await forgedToken(row, id, { sub: reader.id })),
        'adopter_mismatch',
      ],
    ])('rejects %s with its reason and frees the pet', async (_name, tamper, reason) => {
      const petId = await createPet();
      const { eventId, adoptionId } = await adopted(petId);
      const row = await events()
        .createQueryBuilder('event')
        .addSelect('event.accessToken')
        .where('event.id = :id', { id: eventId })
        .getOneOrFail();
      await tamper(eventId, row, row.accessToken);
      await consumer.processPending();
      expect(await event(eventId)).toMatchObject({
        status: 'rejected',
        reason,
        attempts: 1,
        processedAt: expect.stringMatching(ISO),
      });
      expect(await pet(petId)).toMatchObject({ status: 'available', ownerId: null });
      expect(await adoptions().findOneByOrFail({ id: adoptionId })).toMatchObject({
        status: 'rejected',
      });
      const rejected = await asAdmin('/admin/events?status=rejected&limit=100');
      expect((rejected.body as { items: EventBody[] }).items.map((e) => e.id)).toContain(eventId);
    });

    it('retries a transient failure after a backoff, undoing the half-done work', async () => {
      const petId = await createPet();
      const { eventId } = await adopted(petId);
      // Fails after the pet was marked adopted: the transaction must take that back.
      jest
        .spyOn(t.app.get(AdoptionsRepository), 'settle')
        .mockRejectedValueOnce(new Error('connection reset'));
      expect(await consumer.processPending()).toEqual({ processed: 0, rejected: 0, retried: 1 });
      expect(await pet(petId)).toMatchObject({ status: 'pending' });
      expect(await event(eventId)).toMatchObject({ status: 'pending', attempts: 1 });
      // Not due again before its backoff (1 s) has passed.
      expect(await consumer.processPending()).toEqual({ processed: 0, rejected: 0, retried: 0 });
      t.clock.advanceSeconds(1);
      expect(await consumer.processPending()).toEqual({ processed: 1, rejected: 0, retried: 0 });
      expect(await pet(petId)).toMatchObject({ status: 'adopted', ownerId: user.id });
      expect(await event(eventId)).toMatchObject({ status: 'processed', attempts: 2 });
    });

    it('gives up after 10 failed attempts, rejecting the event and freeing the pet', async () => {
      const petId = await createPet();
      const { eventId } = await adopted(petId);
      jest
        .spyOn(t.app.get(AdoptionsRepository), 'completePet')
        .mockRejectedValue(new Error('connection reset'));
      for (let attempt = 1; attempt < 10; attempt++) {
        expect(await consumer.processPending()).toEqual({ processed: 0, rejected: 0, retried: 1 });
        t.clock.advanceSeconds(300);
      }
      expect(await consumer.processPending()).toEqual({ processed: 0, rejected: 1, retried: 0 });
      admin = await loginAsAdmin(t); // 45 minutes went by
      expect(await event(eventId)).toMatchObject({
        status: 'rejected',
        reason: 'retries_exhausted',
        attempts: 10,
      });
      expect(await pet(petId)).toMatchObject({ status: 'available', ownerId: null });
    });
  });
});

describe('adoption events across a restart', () => {
  it(
    'loses no pending event when the process stops before the consumer ran',
    async () => {
      const first = await createTestApp({ config: { eventPollIntervalSeconds: 0 } });
      const admin = await loginAsAdmin(first);
      const user = await createUserToken(first, admin, 'pets:adopt');
      const created = await first
        .http()
        .post('/pets')
        .set('Authorization', `Bearer ${admin}`)
        .send({ name: 'Rex', species: 'dog' })
        .expect(201);
      const petId = (created.body as { id: string }).id;
      const adoption = await first
        .http()
        .post(`/pets/${petId}/adopt`)
        .set('Authorization', `Bearer ${user.token}`)
        .expect(202);
      await first.close();

      const second = await createTestApp({
        db: first.db,
        clock: first.clock,
        config: { eventPollIntervalSeconds: 0 },
      });
      try {
        expect(await second.app.get(EventConsumer).processPending()).toEqual({
          processed: 1,
          rejected: 0,
          retried: 0,
        });
        const admin2 = await loginAsAdmin(second);
        const pet = await second
          .http()
          .get(`/pets/${petId}`)
          .set('Authorization', `Bearer ${admin2}`)
          .expect(200);
        expect(pet.body).toMatchObject({ status: 'adopted', ownerId: user.id });
        const events = await second
          .http()
          .get('/admin/events?status=processed')
          .set('Authorization', `Bearer ${admin2}`)
          .expect(200);
        expect((events.body as { items: { id: string }[] }).items.map((e) => e.id)).toEqual([
          (adoption.body as { eventId: string }).eventId,
        ]);
      } finally {
        await second.close({ drop: true });
      }
    },
    2 * SETUP_TIMEOUT_MS,
  );
});
