import { KeyStore } from '../src/keys/key-store.service';
import { createTestApp, TestApp } from './support/app';
import { loginAsAdmin } from './support/auth';

/** Two Signet instances on one database: what one does to the keys, the other sees. */
describe('several instances on one database', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await createTestApp();
    b = await createTestApp({ db: a.db, clock: a.clock });
  });
  afterAll(async () => {
    await b.close();
    await a.close({ drop: true });
  });

  const me = (t: TestApp, token: string) =>
    t.http().get('/auth/me').set('Authorization', `Bearer ${token}`);
  const rotate = async (t: TestApp) => {
    const admin = await loginAsAdmin(t);
    await t
      .http()
      .post('/admin/keys/rotate')
      .set('Authorization', `Bearer ${admin}`)
      .send({})
      .expect(201);
  };

  it('share the keys they bootstrapped: a token from A is accepted by B', async () => {
    const jwksA = (await a.http().get('/.well-known/jwks.json')).body as unknown;
    expect((await b.http().get('/.well-known/jwks.json')).body).toEqual(jwksA);
    expect((await me(b, await loginAsAdmin(a))).status).toBe(200);
  });

  it('B accepts tokens signed by a key A created after B loaded its cache (unknown-kid reload)', async () => {
    await rotate(a);
    await rotate(a); // the active key is now one B has never seen
    const token = await loginAsAdmin(a);
    expect((await me(b, token)).status).toBe(200);
  });

  it('B refuses a key A revoked once it refreshes its key set', async () => {
    const token = await loginAsAdmin(b);
    const kid = (
      JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as { kid: string }
    ).kid;
    // B has verified (and cached) the token before the revocation.
    expect((await me(b, token)).status).toBe(200);
    await rotate(a);
    const admin = await loginAsAdmin(a);
    await a
      .http()
      .post(`/admin/keys/${kid}/revoke`)
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect((await me(a, token)).status).toBe(401);
    // What B's periodic refresh (KEY_CACHE_REFRESH_SECONDS) does:
    await b.app.get(KeyStore).reload();
    expect((await me(b, token)).status).toBe(401);
    expect(
      ((await b.http().get('/.well-known/jwks.json')).body as { keys: { kid: string }[] }).keys.map(
        (k) => k.kid,
      ),
    ).not.toContain(kid);
  });
});

/** Client registrations are cached for authentication (CLIENT_CACHE_SECONDS); how stale may they be? */
describe('client registrations across instances (CLIENT_CACHE_SECONDS)', () => {
  const basic = (id: string, secret: string) =>
    `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  const token = (t: TestApp, id: string, secret: string) =>
    t
      .http()
      .post('/oauth/token')
      .set('Authorization', basic(id, secret))
      .type('form')
      .send({ grant_type: 'client_credentials' });

  async function twoInstances(clientCacheSeconds: number) {
    const a = await createTestApp({ config: { clientCacheSeconds } });
    const b = await createTestApp({ db: a.db, clock: a.clock, config: { clientCacheSeconds } });
    const admin = await loginAsAdmin(a);
    const created = await a
      .http()
      .post('/admin/clients')
      .set('Authorization', `Bearer ${admin}`)
      .send({ client_name: 'cached', scope: 'pets:read' })
      .expect(201);
    const { client_id: id, client_secret: secret } = created.body as {
      client_id: string;
      client_secret: string;
    };
    const close = async () => {
      await b.close();
      await a.close({ drop: true });
    };
    return { a, b, admin, id, secret, close };
  }

  it('a secret rotated on A: refused on A at once, on B once its cached copy is older than the limit', async () => {
    const { a, b, admin, id, secret, close } = await twoInstances(1);
    try {
      expect((await token(b, id, secret)).status).toBe(200); // B caches the registration
      const rotated = await a
        .http()
        .post(`/admin/clients/${id}/secret`)
        .set('Authorization', `Bearer ${admin}`)
        .send({});
      expect(rotated.status).toBe(200);
      const fresh = (rotated.body as { client_secret: string }).client_secret;
      expect((await token(a, id, secret)).status).toBe(401);
      expect((await token(a, id, fresh)).status).toBe(200);
      // Within the second B may still know the old registration; after it, never.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await token(b, id, secret)).status).toBe(401);
      expect((await token(b, id, fresh)).status).toBe(200);
    } finally {
      await close();
    }
  });

  it('CLIENT_CACHE_SECONDS=0: a client deleted on A is refused on B at once', async () => {
    const { a, b, admin, id, secret, close } = await twoInstances(0);
    try {
      expect((await token(b, id, secret)).status).toBe(200);
      await a
        .http()
        .delete(`/admin/clients/${id}`)
        .set('Authorization', `Bearer ${admin}`)
        .expect(204);
      const refused = await token(b, id, secret);
      expect(refused.status).toBe(401);
      expect((refused.body as { error: string }).error).toBe('invalid_client');
    } finally {
      await close();
    }
  });
});
