import { createTestApp, TestApp, ADMIN_PASSWORD } from './support/app';
import { loginAsAdmin } from './support/auth';
import { apiError } from './support/errors';

const INVALID_CREDENTIALS = apiError(401, 'invalid_credentials', 'Invalid username or password');

describe('login (CONTRACT §5)', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAsAdmin(t);
  });
  afterAll(() => t.close({ drop: true }));

  async function createUser(username: string, scope: string): Promise<void> {
    await t
      .http()
      .post('/admin/users')
      .set('Authorization', `Bearer ${admin}`)
      .send({ username, password: 'correct-horse-battery', scope })
      .expect(201);
  }
  const login = (body: Record<string, unknown>) => t.http().post('/auth/login').send(body);
  const claimsOf = (token: string): Record<string, unknown> =>
    JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;

  it('answers an RFC 9068 token with the user scopes and a refresh token', async () => {
    await createUser('reader', 'pets:read pets:write');
    const response = await login({ username: 'reader', password: 'correct-horse-battery' });
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 900,
      scope: 'pets:read pets:write',
      refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const token = (response.body as { access_token: string }).access_token;
    expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString())).toEqual({
      alg: 'RS256',
      kid: expect.any(String),
      typ: 'at+jwt',
    });
    const now = t.clock.nowSeconds();
    expect(claimsOf(token)).toEqual({
      iss: 'http://signet.test',
      sub: expect.stringMatching(/^[0-9a-f-]{36}$/),
      aud: 'pets-api',
      exp: now + 900,
      iat: now,
      jti: expect.any(String),
      client_id: 'signet-login',
      scope: 'pets:read pets:write',
      username: 'reader',
    });
  });

  it('narrows the token to a requested subset of the user scopes', async () => {
    const response = await login({
      username: 'reader',
      password: 'correct-horse-battery',
      scope: 'pets:read',
    });
    expect(response.status).toBe(200);
    expect((response.body as { scope: string }).scope).toBe('pets:read');
    expect(claimsOf((response.body as { access_token: string }).access_token).scope).toBe(
      'pets:read',
    );
  });

  it.each(['admin', 'pets:read pets:delete', 'adoptions:process', 'nonsense'])(
    'refuses a scope the user lacks (%s) with 400 invalid_scope',
    async (scope) => {
      const response = await login({
        username: 'reader',
        password: 'correct-horse-battery',
        scope,
      });
      expect(response.status).toBe(400);
      expect(response.body).toEqual(
        apiError(400, 'invalid_scope', expect.stringContaining('Scope')),
      );
    },
  );

  it('answers an unknown user and a wrong password alike', async () => {
    const unknown = await login({ username: 'nobody-here', password: 'whatever-password' });
    const wrong = await login({ username: 'reader', password: 'wrong-password' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(INVALID_CREDENTIALS);
    expect(wrong.body).toEqual(INVALID_CREDENTIALS);
  });

  it('throttles a username after 5 failures in 15 minutes, even for the right password', async () => {
    await createUser('victim', 'pets:read');
    for (let i = 0; i < 5; i++) {
      expect((await login({ username: 'victim', password: `wrong-${i}` })).status).toBe(401);
    }
    const blocked = await login({ username: 'victim', password: 'correct-horse-battery' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(850);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(900);
    expect(blocked.body).toEqual(
      apiError(429, 'too_many_requests', 'Too many failed attempts; try again later'),
    );
    // Other users are not affected.
    expect((await login({ username: 'reader', password: 'correct-horse-battery' })).status).toBe(
      200,
    );

    t.clock.advanceSeconds(15 * 60);
    expect((await login({ username: 'victim', password: 'correct-horse-battery' })).status).toBe(
      200,
    );
  });

  it('throttles a client address after 20 failures within a minute', async () => {
    t.clock.advanceSeconds(120);
    for (let i = 0; i < 20; i++) {
      expect((await login({ username: `ghost-${i}`, password: 'nope-nope' })).status).toBe(401);
    }
    const blocked = await login({ username: 'admin', password: ADMIN_PASSWORD });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60);
    t.clock.advanceSeconds(61);
    expect((await login({ username: 'admin', password: ADMIN_PASSWORD })).status).toBe(200);
  });

  it.each([
    [{ username: 'reader' }, 'password'],
    [{ password: 'x' }, 'username'],
    [{ username: 'reader', password: 'correct-horse-battery', extra: 1 }, 'extra'],
    [{ username: 'reader', password: 42 }, 'password'],
  ])('answers 400 naming the field for %j', async (body, field) => {
    const response = await login(body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual(apiError(400, 'bad_request', expect.stringContaining(field)));
  });
});
