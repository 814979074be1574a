import { createRemoteJWKSet, jwtVerify } from 'jose';
import { AddressInfo } from 'node:net';
import { createTestApp, TestApp } from './support/app';
import { createUserToken, loginAsAdmin } from './support/auth';
import { apiError } from './support/errors';

interface Jwks {
  keys: { kid: string; kty: string; alg: string; use: string; d?: string; p?: string }[];
}
interface KeyRow {
  kid: string;
  alg: string;
  state: string;
}

describe('signing keys, JWKS and rotation (CONTRACT §4, §7)', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAsAdmin(t);
  });
  afterAll(() => t.close({ drop: true }));

  const jwks = async (): Promise<Jwks> =>
    (await t.http().get('/.well-known/jwks.json')).body as Jwks;
  const keys = async (): Promise<KeyRow[]> =>
    (
      (await t.http().get('/admin/keys?limit=100').set('Authorization', `Bearer ${admin}`))
        .body as { items: KeyRow[] }
    ).items;
  const me = (token: string) => t.http().get('/auth/me').set('Authorization', `Bearer ${token}`);
  const kidOf = (token: string): string =>
    (JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as { kid: string }).kid;

  it('starts with one active and one next key, both published without private parts', async () => {
    const rows = await keys();
    expect(rows.map((k) => k.state).sort()).toEqual(['active', 'next']);
    const response = await t.http().get('/.well-known/jwks.json');
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=300');
    expect(response.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const body = response.body as Jwks;
    expect(body.keys.map((k) => k.kid).sort()).toEqual(rows.map((k) => k.kid).sort());
    for (const key of body.keys) {
      expect(key).toEqual(
        expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) }),
      );
      expect(key.d).toBeUndefined();
      expect(key.p).toBeUndefined();
    }
    expect(kidOf(admin)).toBe(rows.find((k) => k.state === 'active')!.kid);
  });

  it('answers 304 to If-None-Match with the current ETag', async () => {
    const first = await t.http().get('/.well-known/jwks.json');
    const again = await t
      .http()
      .get('/.well-known/jwks.json')
      .set('If-None-Match', first.headers.etag);
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });

  it('lets a standard verifier (jose with a remote JWKS) verify Signet tokens', async () => {
    const server = t.app.getHttpServer() as import('node:http').Server;
    if (!server.listening) {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    }
    const port = (server.address() as AddressInfo).port;
    const set = createRemoteJWKSet(new URL(`http://127.0.0.1:${port}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(admin, set, {
      issuer: t.config.issuer,
      audience: t.config.audience,
      typ: 'at+jwt',
      currentDate: t.clock.now(),
    });
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(payload).toEqual(
      expect.objectContaining({
        iss: t.config.issuer,
        aud: 'pets-api',
        client_id: 'signet-login',
        username: 'admin',
      }),
    );
  });

  it('rotates: next becomes active, active retires, a fresh next appears; old tokens stay valid', async () => {
    const before = await keys();
    const etagBefore = (await t.http().get('/.well-known/jwks.json')).headers.etag;
    const oldToken = await loginAsAdmin(t);
    const response = await t
      .http()
      .post('/admin/keys/rotate')
      .set('Authorization', `Bearer ${admin}`)
      .send({});
    expect(response.status).toBe(201);
    const { active, next, retired } = response.body as {
      active: KeyRow;
      next: KeyRow;
      retired: KeyRow;
    };
    expect(active).toEqual(
      expect.objectContaining({
        kid: before.find((k) => k.state === 'next')!.kid,
        state: 'active',
        activatedAt: expect.any(String),
      }),
    );
    expect(retired).toEqual(
      expect.objectContaining({
        kid: before.find((k) => k.state === 'active')!.kid,
        state: 'retired',
        retiredAt: expect.any(String),
      }),
    );
    expect(next).toEqual(expect.objectContaining({ state: 'next', alg: 'RS256' }));
    expect(JSON.stringify(response.body)).not.toMatch(/private|envelope/i);

    expect((await me(oldToken)).status).toBe(200);
    const newToken = await loginAsAdmin(t);
    expect(kidOf(newToken)).toBe(active.kid);
    expect((await jwks()).keys.map((k) => k.kid).sort()).toEqual(
      [active.kid, next.kid, retired.kid].sort(),
    );
    expect((await t.http().get('/.well-known/jwks.json')).headers.etag).not.toBe(etagBefore);
  });

  it.each(['PS256', 'ES256', 'EdDSA'])(
    'rotates to %s keys, and tokens they sign verify',
    async (alg) => {
      await t
        .http()
        .post('/admin/keys/rotate')
        .set('Authorization', `Bearer ${admin}`)
        .send({ alg })
        .expect(201);
      const rotated = await t
        .http()
        .post('/admin/keys/rotate')
        .set('Authorization', `Bearer ${admin}`)
        .send({})
        .expect(201);
      expect((rotated.body as { active: KeyRow }).active.alg).toBe(alg);
      const token = await loginAsAdmin(t);
      expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString())).toEqual(
        expect.objectContaining({ alg, typ: 'at+jwt' }),
      );
      expect((await me(token)).status).toBe(200);
    },
  );

  it('refuses an unknown algorithm for rotation with 400', async () => {
    const response = await t
      .http()
      .post('/admin/keys/rotate')
      .set('Authorization', `Bearer ${admin}`)
      .send({ alg: 'HS256' });
    expect(response.status).toBe(400);
    expect(response.body).toEqual(apiError(400, 'bad_request', expect.stringContaining('alg')));
  });

  it('revoking a retired key refuses its tokens at once and drops it from the JWKS', async () => {
    const token = await loginAsAdmin(t);
    const kid = kidOf(token);
    // Used once first, so the verified-token cache holds it when the key is revoked.
    expect((await me(token)).status).toBe(200);
    await t
      .http()
      .post('/admin/keys/rotate')
      .set('Authorization', `Bearer ${admin}`)
      .send({})
      .expect(201);
    const response = await t
      .http()
      .post(`/admin/keys/${kid}/revoke`)
      .set('Authorization', `Bearer ${admin}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual(
      expect.objectContaining({ kid, state: 'revoked', revokedAt: expect.any(String) }),
    );
    expect((await me(token)).status).toBe(401);
    expect((await jwks()).keys.map((k) => k.kid)).not.toContain(kid);
  });

  it('revoking the active key promotes next at once and makes a fresh next', async () => {
    admin = await loginAsAdmin(t);
    const before = await keys();
    const active = before.find((k) => k.state === 'active')!;
    const next = before.find((k) => k.state === 'next')!;
    const token = await loginAsAdmin(t);
    await t
      .http()
      .post(`/admin/keys/${active.kid}/revoke`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect((await me(token)).status).toBe(401);
    admin = await loginAsAdmin(t);
    expect(kidOf(admin)).toBe(next.kid);
    const after = await keys();
    expect(after.find((k) => k.state === 'active')!.kid).toBe(next.kid);
    expect(after.filter((k) => k.state === 'next')).toHaveLength(1);
  });

  it('answers 404 for an unknown kid', async () => {
    const response = await t
      .http()
      .post('/admin/keys/no-such-kid/revoke')
      .set('Authorization', `Bearer ${admin}`);
    expect(response.status).toBe(404);
    expect(response.body).toEqual(apiError(404, 'not_found', 'Key not found'));
  });

  it('removes a retired key only once every token it signed has expired', async () => {
    const token = await loginAsAdmin(t);
    const kid = kidOf(token);
    await t
      .http()
      .post('/admin/keys/rotate')
      .set('Authorization', `Bearer ${admin}`)
      .send({})
      .expect(201);
    const rotation = t.app.get(
      (await import('../src/keys/key-rotation.service')).KeyRotationService,
    );
    const store = t.app.get((await import('../src/keys/key-store.service')).KeyStore);
    const lifetime =
      t.config.accessTokenTtlSeconds + t.config.clockSkewSeconds + t.config.keyCacheRefreshSeconds;

    t.clock.advanceSeconds(lifetime - 5);
    await rotation.removeExpiredRetiredKeys();
    await store.reload();
    expect((await jwks()).keys.map((k) => k.kid)).toContain(kid);

    t.clock.advanceSeconds(10);
    await rotation.removeExpiredRetiredKeys();
    await store.reload();
    expect((await jwks()).keys.map((k) => k.kid)).not.toContain(kid);
    admin = await loginAsAdmin(t);
    expect((await keys()).map((k) => k.kid)).not.toContain(kid);
  });

  it('keeps keys, users and tokens valid across a restart on the same database and KEK', async () => {
    const { token } = await createUserToken(t, admin, 'pets:read');
    const kidsBefore = (await jwks()).keys.map((k) => k.kid).sort();
    await t.close();
    t = await createTestApp({ db: t.db, clock: t.clock });
    expect((await jwks()).keys.map((k) => k.kid).sort()).toEqual(kidsBefore);
    expect((await me(token)).status).toBe(200);
    admin = await loginAsAdmin(t);
    expect((await me(admin)).status).toBe(200);
  });
});
