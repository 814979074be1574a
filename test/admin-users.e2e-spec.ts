import request from 'supertest';
import { ADMIN_PASSWORD, ADMIN_USERNAME, createTestApp, TestApp } from './support/app';
import { login, loginAsAdmin } from './support/auth';
import { apiError } from './support/errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ADMIN_SCOPE = 'admin pets:read pets:write pets:delete pets:adopt';
const NOT_FOUND = apiError(404, 'not_found', 'User not found');
const INVALID_CREDENTIALS = apiError(401, 'invalid_credentials', 'Invalid username or password');

interface UserBody {
  id: string;
  username: string;
  scope: string;
  createdAt: string;
  updatedAt: string;
}

describe('admin users API (CONTRACT §7)', () => {
  let t: TestApp;
  let admin: string;
  /** Every password this suite sent; none may come back in any response. */
  const passwordsSent = new Set<string>([ADMIN_PASSWORD]);

  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAsAdmin(t);
  });
  afterAll(() => t.close({ drop: true }));

  /** Password hashes and passwords never leave the server (CONTRACT §7). */
  function expectNoSecrets(response: request.Response): request.Response {
    expect(response.text).not.toMatch(/argon2|passwordHash|password_hash/i);
    for (const password of passwordsSent) {
      expect(response.text).not.toContain(password);
    }
    return response;
  }

  const as = (token: string) => ({
    post: (path: string, body: object) =>
      t.http().post(path).set('Authorization', `Bearer ${token}`).send(body).then(expectNoSecrets),
    get: (path: string) =>
      t.http().get(path).set('Authorization', `Bearer ${token}`).then(expectNoSecrets),
    patch: (path: string, body: object) =>
      t.http().patch(path).set('Authorization', `Bearer ${token}`).send(body).then(expectNoSecrets),
    delete: (path: string) =>
      t.http().delete(path).set('Authorization', `Bearer ${token}`).then(expectNoSecrets),
  });

  /** Creates a user one second after the previous one, so "oldest first" is well defined. */
  async function createUser(username: string, password: string, scope: string): Promise<UserBody> {
    passwordsSent.add(password);
    t.clock.advanceSeconds(1);
    const response = await as(admin).post('/admin/users', { username, password, scope });
    expect(response.status).toBe(201);
    return response.body as UserBody;
  }

  const total = async (): Promise<number> =>
    ((await as(admin).get('/admin/users')).body as { total: number }).total;

  describe('POST /admin/users', () => {
    it('creates a user and answers 201 with the user, never the password or its hash', async () => {
      t.clock.advanceSeconds(1);
      passwordsSent.add('correct-horse-battery');
      const response = await as(admin).post('/admin/users', {
        username: 'alice',
        password: 'correct-horse-battery',
        scope: 'pets:read pets:write',
      });
      expect(response.status).toBe(201);
      const now = t.clock.now().toISOString();
      expect(response.body).toEqual({
        id: expect.stringMatching(UUID),
        username: 'alice',
        scope: 'pets:read pets:write',
        createdAt: now,
        updatedAt: now,
      });
    });

    it('stores the scope without duplicates or extra spaces', async () => {
      const user = await createUser('dupes', 'correct-horse-battery', ' pets:read  pets:read ');
      expect(user.scope).toBe('pets:read');
    });

    it('answers 409 conflict for a taken username, and creates nothing', async () => {
      const before = await total();
      const response = await as(admin).post('/admin/users', {
        username: 'alice',
        password: 'another-password',
        scope: 'pets:read',
      });
      expect(response.status).toBe(409);
      expect(response.body).toEqual(apiError(409, 'conflict', 'That username is taken'));
      expect(await total()).toBe(before);
    });

    it('answers one 201 and one 409 when the same username is created twice at once', async () => {
      const body = { username: 'racer', password: 'correct-horse-battery', scope: 'pets:read' };
      const responses = await Promise.all([
        as(admin).post('/admin/users', body),
        as(admin).post('/admin/users', body),
      ]);
      expect(responses.map((r) => r.status).sort()).toEqual([201, 409]);
    });

    it.each([
      ['8 characters', 'a'.repeat(8)],
      ['128 characters', 'b'.repeat(128)],
    ])('accepts a password of %s', async (_name, password) => {
      const user = await createUser(`pw-${password.length}`, password, 'pets:read');
      expect(user.username).toBe(`pw-${password.length}`);
      await expect(login(t, `pw-${password.length}`, password)).resolves.toEqual(
        expect.any(String),
      );
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['a password of 7 characters', { password: 'short-7' }, 'password'],
      ['a password of 129 characters', { password: 'c'.repeat(129) }, 'password'],
      ['no password', { password: undefined }, 'password'],
      ['an unknown scope', { scope: 'pets:read pets:fly' }, 'scope'],
      ['the event-only scope', { scope: 'adoptions:process' }, 'scope'],
      ['a scope that is not a string', { scope: ['pets:read'] }, 'scope'],
      ['no scope', { scope: undefined }, 'scope'],
      ['an empty username', { username: '' }, 'username'],
      ['a username of 65 characters', { username: 'u'.repeat(65) }, 'username'],
      ['a username with a space', { username: 'bob smith' }, 'username'],
      ['an unknown field', { role: 'admin' }, 'property role should not exist'],
      ['an id chosen by the client', { id: 'f'.repeat(8) }, 'property id should not exist'],
    ])('answers 400 naming the field for %s, and creates nothing', async (_name, change, field) => {
      const before = await total();
      const response = await as(admin).post('/admin/users', {
        username: 'bob',
        password: 'correct-horse-battery',
        scope: 'pets:read',
        ...change,
      });
      expect(response.status).toBe(400);
      expect(response.body).toEqual(apiError(400, 'bad_request', expect.stringContaining(field)));
      expect(await total()).toBe(before);
    });
  });

  describe('GET /admin/users', () => {
    it('lists users oldest first, the bootstrap admin first, as {items, total, limit, offset}', async () => {
      const response = await as(admin).get('/admin/users');
      expect(response.status).toBe(200);
      const body = response.body as { items: UserBody[]; total: number };
      expect(body).toEqual({
        items: expect.any(Array),
        total: body.items.length,
        limit: 20,
        offset: 0,
      });
      expect(body.items[0]).toEqual({
        id: expect.stringMatching(UUID),
        username: ADMIN_USERNAME,
        scope: ADMIN_SCOPE,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const created = body.items.map((u) => u.createdAt);
      expect(created).toEqual([...created].sort());
      expect(body.items.map((u) => u.username)).toEqual(
        expect.arrayContaining(['admin', 'alice', 'dupes', 'racer', 'pw-8', 'pw-128']),
      );
    });

    it('pages with limit and offset', async () => {
      const all = (await as(admin).get('/admin/users?limit=100')).body as {
        items: UserBody[];
        total: number;
      };
      const response = await as(admin).get('/admin/users?limit=2&offset=1');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        items: all.items.slice(1, 3),
        total: all.total,
        limit: 2,
        offset: 1,
      });
      const beyond = await as(admin).get(`/admin/users?offset=${all.total}`);
      expect(beyond.body).toEqual({ items: [], total: all.total, limit: 20, offset: all.total });
    });

    it.each(['limit=0', 'limit=101', 'limit=abc', 'offset=-1', 'offset=1.5'])(
      'answers 400 naming the parameter for ?%s',
      async (query) => {
        const response = await as(admin).get(`/admin/users?${query}`);
        expect(response.status).toBe(400);
        expect(response.body).toEqual(
          apiError(400, 'bad_request', expect.stringContaining(query.split('=')[0])),
        );
      },
    );
  });

  describe('GET, PATCH and DELETE /admin/users/{id}', () => {
    let serial = 0;
    it('answers one user by id, as it was created', async () => {
      const user = await createUser('carol', 'carol-password-1', 'pets:read');
      const response = await as(admin).get(`/admin/users/${user.id}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual(user);
      const upper = await as(admin).get(`/admin/users/${user.id.toUpperCase()}`);
      expect(upper.body).toEqual(user);
    });

    it('changes the scope, answers 200 with the user, and new logins get the new scope', async () => {
      const user = await createUser('dave', 'dave-password-1', 'pets:read');
      t.clock.advanceSeconds(5);
      const response = await as(admin).patch(`/admin/users/${user.id}`, {
        scope: 'pets:read pets:adopt',
      });
      expect(response.status).toBe(200);
      const updated = {
        ...user,
        scope: 'pets:read pets:adopt',
        updatedAt: t.clock.now().toISOString(),
      };
      expect(response.body).toEqual(updated);
      expect((await as(admin).get(`/admin/users/${user.id}`)).body).toEqual(updated);
      const token = await login(t, 'dave', 'dave-password-1');
      expect((await as(token).get('/auth/me')).body).toEqual(
        expect.objectContaining({ scope: 'pets:read pets:adopt' }),
      );
    });

    it('changes the password: the new one logs in, the old one gets 401 invalid_credentials', async () => {
      const user = await createUser('erin', 'erin-old-password', 'pets:read');
      passwordsSent.add('erin-new-password');
      const response = await as(admin).patch(`/admin/users/${user.id}`, {
        password: 'erin-new-password',
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ ...user, updatedAt: t.clock.now().toISOString() });
      await expect(login(t, 'erin', 'erin-new-password')).resolves.toEqual(expect.any(String));
      const old = await t
        .http()
        .post('/auth/login')
        .send({ username: 'erin', password: 'erin-old-password' });
      expect(old.status).toBe(401);
      expect(old.body).toEqual(INVALID_CREDENTIALS);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['a short password', { password: 'short' }, 'password'],
      ['an unknown scope', { scope: 'root' }, 'scope'],
      ['a new username (usernames are fixed)', { username: 'mallory' }, 'username'],
      ['an unknown field', { admin: true }, 'property admin should not exist'],
    ])(
      'refuses a PATCH with %s: 400 naming the field, nothing changed',
      async (_n, body, field) => {
        const user = await createUser(`frank-${++serial}`, 'frank-password-1', 'pets:read');
        const response = await as(admin).patch(`/admin/users/${user.id}`, body);
        expect(response.status).toBe(400);
        expect(response.body).toEqual(apiError(400, 'bad_request', expect.stringContaining(field)));
        expect((await as(admin).get(`/admin/users/${user.id}`)).body).toEqual(user);
        await expect(login(t, user.username, 'frank-password-1')).resolves.toEqual(
          expect.any(String),
        );
      },
    );

    it('deletes a user: 204, then GET, PATCH and DELETE answer 404 and the user cannot log in', async () => {
      const user = await createUser('gina', 'gina-password-1', 'pets:read');
      const before = await total();
      const response = await as(admin).delete(`/admin/users/${user.id}`);
      expect(response.status).toBe(204);
      expect(response.text).toBe('');
      expect(await total()).toBe(before - 1);
      for (const answer of [
        await as(admin).get(`/admin/users/${user.id}`),
        await as(admin).patch(`/admin/users/${user.id}`, { scope: 'pets:read' }),
        await as(admin).delete(`/admin/users/${user.id}`),
      ]) {
        expect(answer.status).toBe(404);
        expect(answer.body).toEqual(NOT_FOUND);
      }
      const loginAgain = await t
        .http()
        .post('/auth/login')
        .send({ username: 'gina', password: 'gina-password-1' });
      expect(loginAgain.status).toBe(401);
      expect(loginAgain.body).toEqual(INVALID_CREDENTIALS);
    });

    it.each([
      ['an unknown uuid', '00000000-0000-4000-8000-000000000000'],
      ['a non-uuid id', 'not-a-uuid'],
      ['a number', '42'],
      ['an SQL fragment', "1'%20OR%20'1'='1"],
      ['a uuid with trailing text', '00000000-0000-4000-8000-000000000000x'],
    ])('answers 404 for %s on GET, PATCH and DELETE', async (_name, id) => {
      const before = await total();
      for (const answer of [
        await as(admin).get(`/admin/users/${id}`),
        await as(admin).patch(`/admin/users/${id}`, { scope: 'pets:read' }),
        await as(admin).delete(`/admin/users/${id}`),
      ]) {
        expect(answer.status).toBe(404);
        expect(answer.body).toEqual(NOT_FOUND);
      }
      expect(await total()).toBe(before);
    });
  });

  describe('authorization', () => {
    let reader: string;
    let readerId: string;
    beforeAll(async () => {
      const user = await createUser('reader', 'reader-password-1', 'pets:read');
      readerId = user.id;
      reader = await login(t, 'reader', 'reader-password-1');
    });

    it('lets a pets:read user log in, and /auth/me answers its identity', async () => {
      const response = await as(reader).get('/auth/me');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        sub: readerId,
        username: 'reader',
        client_id: 'signet-login',
        scope: 'pets:read',
      });
    });

    it.each<[string, (token: string) => Promise<request.Response>]>([
      ['POST /admin/users', (token) => as(token).post('/admin/users', { username: 'x' })],
      ['GET /admin/users', (token) => as(token).get('/admin/users')],
      ['GET /admin/users/{id}', (token) => as(token).get(`/admin/users/${readerId}`)],
      [
        'PATCH /admin/users/{id}',
        (token) => as(token).patch(`/admin/users/${readerId}`, { scope: ADMIN_SCOPE }),
      ],
      ['DELETE /admin/users/{id}', (token) => as(token).delete(`/admin/users/${readerId}`)],
    ])('answers 403 insufficient_scope to a token without admin on %s', async (_route, send) => {
      const response = await send(reader);
      expect(response.status).toBe(403);
      expect(response.headers['www-authenticate']).toBe(
        'Bearer error="insufficient_scope", scope="admin"',
      );
      expect(response.body).toEqual(
        apiError(403, 'insufficient_scope', 'This request needs the scope: admin'),
      );
      expect((await as(admin).get(`/admin/users/${readerId}`)).body).toEqual(
        expect.objectContaining({ scope: 'pets:read' }),
      );
    });

    it('answers 401 unauthorized to a request without a token', async () => {
      const response = await t.http().get('/admin/users');
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="signet"');
      expect(response.body).toEqual(apiError(401, 'unauthorized', 'An access token is required'));
    });

    it("keeps a deleted user's access token valid until it expires (CONTRACT §3)", async () => {
      const user = await createUser('henry', 'henry-password-1', 'pets:read');
      const token = await login(t, 'henry', 'henry-password-1');
      expect((await as(admin).delete(`/admin/users/${user.id}`)).status).toBe(204);
      const me = await as(token).get('/auth/me');
      expect(me.status).toBe(200);
      expect(me.body).toEqual({
        sub: user.id,
        username: 'henry',
        client_id: 'signet-login',
        scope: 'pets:read',
      });
      // Past exp (ACCESS_TOKEN_TTL) and the clock-skew leeway, the token is refused.
      t.clock.advanceSeconds(t.config.accessTokenTtlSeconds + t.config.clockSkewSeconds + 1);
      const expired = await as(token).get('/auth/me');
      expect(expired.status).toBe(401);
      expect(expired.body).toEqual(apiError(401, 'invalid_token', 'The access token expired'));
      admin = await loginAsAdmin(t);
    });
  });
});
