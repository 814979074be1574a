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
