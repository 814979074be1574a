import { createTestApp, TestApp } from './support/app';
import { loginAsAdmin } from './support/auth';
import { apiError } from './support/errors';

const INVALID_GRANT = apiError(401, 'invalid_grant', 'The refresh token is invalid or expired');

interface Tokens {
  access_token: string;
  refresh_token: string;
  scope: string;
}

describe('refresh, logout and password change (CONTRACT §5)', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAsAdmin(t);
  });
  afterAll(() => t.close({ drop: true }));

  let userCount = 0;
  async function newUser(
    scope = 'pets:read pets:write',
  ): Promise<{ id: string; username: string; password: string }> {
    const username = `session-user-${userCount++}`;
    const password = 'correct-horse-battery';
    const created = await t
      .http()
      .post('/admin/users')
      .set('Authorization', `Bearer ${admin}`)
      .send({ username, password, scope })
      .expect(201);
    return { id: (created.body as { id: string }).id, username, password };
  }
  async function login(username: string, password: string, scope?: string): Promise<Tokens> {
    const response = await t
      .http()
      .post('/auth/login')
      .send({ username, password, scope })
      .expect(200);
    return response.body as Tokens;
  }
  const refresh = (refresh_token: string) => t.http().post('/auth/refresh').send({ refresh_token });
  const logout = (refresh_token: string) => t.http().post('/auth/logout').send({ refresh_token });

  it('rotates a refresh token: a new pair, the old one stops working', async () => {
    const user = await newUser();
    const first = await login(user.username, user.password, 'pets:read');
    const response = await refresh(first.refresh_token);
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 900,
      scope: 'pets:read',
      refresh_token: expect.any(String),
    });
    const second = response.body as Tokens;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    const me = await t.http().get('/auth/me').set('Authorization', `Bearer ${second.access_token}`);
    expect(me.body).toEqual({
      sub: user.id,
      username: user.username,
      client_id: 'signet-login',
      scope: 'pets:read',
    });
    expect((await refresh(second.refresh_token)).status).toBe(200);
  });

  it('revokes the whole chain when a used refresh token comes back', async () => {
    const user = await newUser();
    const first = await login(user.username, user.password);
    const second = (await refresh(first.refresh_token)).body as Tokens;
    const reuse = await refresh(first.refresh_token);
    expect(reuse.status).toBe(401);
    expect(reuse.body).toEqual(INVALID_GRANT);
    // The legitimate successor dies with the chain.
    expect((await refresh(second.refresh_token)).body).toEqual(INVALID_GRANT);
    // Another login of the same user is another chain, untouched.
    const other = await login(user.username, user.password);
    expect((await refresh(other.refresh_token)).status).toBe(200);
  });

  it.each([
    ['an unknown token', 'x'.repeat(43)],
    ['a very long token', 'x'.repeat(500)],
  ])('answers 401 invalid_grant to %s', async (_name, token) => {
    const response = await refresh(token);
    expect(response.status).toBe(401);
    expect(response.body).toEqual(INVALID_GRANT);
  });

  it('refuses an expired refresh token', async () => {
    const user = await newUser();
    const tokens = await login(user.username, user.password);
    t.clock.advanceSeconds(t.config.refreshTokenTtlSeconds + 1);
    expect((await refresh(tokens.refresh_token)).body).toEqual(INVALID_GRANT);
    admin = await loginAsAdmin(t);
  });

  it('drops scopes the user lost since login', async () => {
    const user = await newUser('pets:read pets:write');
    const tokens = await login(user.username, user.password);
    await t
      .http()
      .patch(`/admin/users/${user.id}`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ scope: 'pets:read' })
      .expect(200);
    expect(((await refresh(tokens.refresh_token)).body as Tokens).scope).toBe('pets:read');
  });

  it('logout revokes the chain with 204, and answers 204 for an unknown token', async () => {
    const user = await newUser();
    const tokens = await login(user.username, user.password);
    const rotated = (await refresh(tokens.refresh_token)).body as Tokens;
    const response = await logout(rotated.refresh_token);
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    expect((await refresh(rotated.refresh_token)).body).toEqual(INVALID_GRANT);
    expect((await logout('never-issued')).status).toBe(204);
  });

  it('a deleted user cannot refresh any more', async () => {
    const user = await newUser();
    const tokens = await login(user.username, user.password);
    await t
      .http()
      .delete(`/admin/users/${user.id}`)
      .set('Authorization', `Bearer ${admin}`)
      .expect(204);
    expect((await refresh(tokens.refresh_token)).body).toEqual(INVALID_GRANT);
  });

  describe('POST /auth/password', () => {
    it('changes the password and revokes every refresh token of the user', async () => {
      const user = await newUser();
      const one = await login(user.username, user.password);
      const two = await login(user.username, user.password);
      const response = await t
        .http()
        .post('/auth/password')
        .set('Authorization', `Bearer ${two.access_token}`)
        .send({ current_password: user.password, new_password: 'a-brand-new-password' });
      expect(response.status).toBe(204);
      expect((await refresh(one.refresh_token)).body).toEqual(INVALID_GRANT);
      expect((await refresh(two.refresh_token)).body).toEqual(INVALID_GRANT);
      expect(
        (
          await t
            .http()
            .post('/auth/login')
            .send({ username: user.username, password: user.password })
        ).status,
      ).toBe(401);
      expect((await login(user.username, 'a-brand-new-password')).access_token).toEqual(
        expect.any(String),
      );
    });

    it('answers 400 invalid_credentials for a wrong current password, changing nothing', async () => {
      const user = await newUser();
      const tokens = await login(user.username, user.password);
      const response = await t
        .http()
        .post('/auth/password')
        .set('Authorization', `Bearer ${tokens.access_token}`)
        .send({ current_password: 'not-the-password', new_password: 'a-brand-new-password' });
      expect(response.status).toBe(400);
      expect(response.body).toEqual(
        apiError(400, 'invalid_credentials', 'The current password is wrong'),
      );
      expect((await refresh(tokens.refresh_token)).status).toBe(200);
      expect((await login(user.username, user.password)).access_token).toEqual(expect.any(String));
    });

    it.each([
      [{ current_password: 'x' }, 'new_password'],
      [{ current_password: 'x', new_password: 'short' }, 'new_password'],
    ])('answers 400 naming the field for %j', async (body, field) => {
      const user = await newUser();
      const tokens = await login(user.username, user.password);
      const response = await t
        .http()
        .post('/auth/password')
        .set('Authorization', `Bearer ${tokens.access_token}`)
        .send(body);
      expect(response.status).toBe(400);
      expect((response.body as { message: string }).message).toContain(field);
    });

    it('needs a token', async () => {
      expect((await t.http().post('/auth/password').send({})).status).toBe(401);
    });
  });
});
