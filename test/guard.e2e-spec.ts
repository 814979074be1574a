import { KeyStore } from '../src/keys/key-store.service';
import { AccessTokenIssuer } from '../src/tokens/access-token.issuer';
import { createTestApp, TestApp } from './support/app';
import { loginAsAdmin } from './support/auth';
import { apiError } from './support/errors';
import {
  hmacWithServerPublicKey,
  signWithServerKey,
  tokenFromForeignKey,
  unsignedToken,
  validClaims,
  withPayloadChanged,
} from './support/tokens';

const INVALID = {
  status: 401,
  body: apiError(401, 'invalid_token', 'The access token is invalid'),
  challenge: 'Bearer realm="signet", error="invalid_token"',
};

describe('the access-token guard (CONTRACT §2, §3)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close({ drop: true }));

  const me = (token: string) => t.http().get('/auth/me').set('Authorization', `Bearer ${token}`);

  it('accepts a token from login and answers /auth/me', async () => {
    const token = await loginAsAdmin(t);
    const response = await me(token);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      sub: expect.any(String),
      username: 'admin',
      client_id: 'signet-login',
      scope: 'admin pets:read pets:write pets:delete pets:adopt',
    });
  });

  it('answers 401 unauthorized with a bare challenge when no token is sent', async () => {
    const response = await t.http().get('/auth/me');
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="signet"');
    expect(response.body).toEqual(apiError(401, 'unauthorized', 'An access token is required'));
  });

  it.each<[string, (t: TestApp) => Promise<string>]>([
    ['a garbled token', () => Promise.resolve('not-a-jwt')],
    ['three garbage segments', () => Promise.resolve('a.b.c')],
    ['alg none', (t) => unsignedToken(t, validClaims(t))],
    ['alg NONE', (t) => unsignedToken(t, validClaims(t), 'NONE')],
    ['HS256 keyed with the server public key', (t) => hmacWithServerPublicKey(t, validClaims(t))],
    ['an unknown kid', (t) => tokenFromForeignKey(validClaims(t))],
    [
      'a foreign key under the server kid',
      async (t) =>
        tokenFromForeignKey(validClaims(t), (await t.app.get(KeyStore).signingKey()).kid),
    ],
    ['no kid', (t) => signWithServerKey(t, validClaims(t), { kid: undefined })],
    [
      'nbf in the future',
      (t) => signWithServerKey(t, validClaims(t, { nbf: t.clock.nowSeconds() + 3600 })),
    ],
    [
      'iat beyond the clock skew',
      (t) => signWithServerKey(t, validClaims(t, { iat: t.clock.nowSeconds() + 120 })),
    ],
    ['a wrong iss', (t) => signWithServerKey(t, validClaims(t, { iss: 'https://evil.example' }))],
    ['a wrong aud', (t) => signWithServerKey(t, validClaims(t, { aud: 'other-api' }))],
    ['typ JWT', (t) => signWithServerKey(t, validClaims(t), { typ: 'JWT' })],
    ['no typ', (t) => signWithServerKey(t, validClaims(t), { typ: undefined })],
    ['no sub', (t) => signWithServerKey(t, validClaims(t, { sub: undefined }))],
    [
      'a payload changed after signing',
      async (t) =>
        withPayloadChanged(await signWithServerKey(t, validClaims(t)), { scope: 'admin' }),
    ],
    [
      'an event token (adoptions:process)',
      (t) => signWithServerKey(t, validClaims(t, { scope: 'adoptions:process' })),
    ],
  ])('rejects %s with 401 invalid_token', async (_name, mint) => {
    const response = await me(await mint(t));
    expect(response.status).toBe(INVALID.status);
    expect(response.body).toEqual(INVALID.body);
    expect(response.headers['www-authenticate']).toBe(INVALID.challenge);
  });

  it('accepts typ application/at+jwt and an aud array holding the audience', async () => {
    const token = await signWithServerKey(t, validClaims(t, { aud: ['x', t.config.audience] }), {
      typ: 'application/at+jwt',
    });
    expect((await me(token)).status).toBe(200);
  });

  it('rejects a token once it expired, saying so', async () => {
    const token = await loginAsAdmin(t);
    t.clock.advanceSeconds(t.config.accessTokenTtlSeconds + t.config.clockSkewSeconds);
    const response = await me(token);
    t.clock.advanceSeconds(-(t.config.accessTokenTtlSeconds + t.config.clockSkewSeconds));
    expect(response.status).toBe(401);
    expect(response.body).toEqual(apiError(401, 'invalid_token', 'The access token expired'));
  });

  it('still accepts a token within the clock skew after exp', async () => {
    const token = await loginAsAdmin(t);
    t.clock.advanceSeconds(t.config.accessTokenTtlSeconds + t.config.clockSkewSeconds - 1);
    const response = await me(token);
    t.clock.advanceSeconds(-(t.config.accessTokenTtlSeconds + t.config.clockSkewSeconds - 1));
    expect(response.status).toBe(200);
  });

  it('answers 403 insufficient_scope naming the scope a route needs', async () => {
    const issued = await t.app.get(AccessTokenIssuer).issue({
      grant: 'test',
      sub: 'someone',
      clientId: 'signet-login',
      scopes: ['pets:read'],
    });
    const response = await t
      .http()
      .get('/admin/keys')
      .set('Authorization', `Bearer ${issued.token}`);
    expect(response.status).toBe(403);
    expect(response.headers['www-authenticate']).toBe(
      'Bearer error="insufficient_scope", scope="admin"',
    );
    expect(response.body).toEqual(
      apiError(403, 'insufficient_scope', 'This request needs the scope: admin'),
    );
  });

  it('counts verifications by outcome in /metrics', async () => {
    await me('not-a-jwt');
    const metrics = await t.http().get('/metrics');
    expect(metrics.text).toMatch(/signet_token_verifications_total\{outcome="valid"\} \d+/);
    expect(metrics.text).toMatch(/signet_token_verifications_total\{outcome="malformed"\} \d+/);
  });
});
