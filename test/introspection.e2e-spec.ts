import { createLocalJWKSet, decodeProtectedHeader, JSONWebKeySet, jwtVerify } from 'jose';
import { createTestApp, TestApp } from './support/app';
import { loginAsAdmin } from './support/auth';
import { apiError, oauthError } from './support/errors';

interface RegisteredClient {
  client_id: string;
  client_secret: string;
}

describe('introspection, revocation and opaque tokens (CONTRACT §6, §7)', () => {
  let t: TestApp;
  let admin: string;
  let resourceServer: RegisteredClient;
  let opaqueClient: RegisteredClient;
  let otherClient: RegisteredClient;

  async function registerClient(metadata: Record<string, unknown>): Promise<RegisteredClient> {
    const response = await t
      .http()
      .post('/admin/clients')
      .set('Authorization', `Bearer ${admin}`)
      .send({ client_name: 'test client', scope: 'pets:read', ...metadata })
      .expect(201);
    return response.body as RegisteredClient;
  }
  const tokenFor = async (client: RegisteredClient): Promise<string> => {
    const response = await t
      .http()
      .post('/oauth/token')
      .auth(client.client_id, client.client_secret)
      .type('form')
      .send({ grant_type: 'client_credentials' })
      .expect(200);
    return (response.body as { access_token: string }).access_token;
  };
  const introspect = (client: RegisteredClient, token: string, accept?: string) => {
    const request = t
      .http()
      .post('/oauth/introspect')
      .auth(client.client_id, client.client_secret)
      .type('form');
    if (accept) {
      request.set('Accept', accept);
    }
    return request.send({ token });
  };
  const revoke = (client: RegisteredClient, form: Record<string, string>) =>
    t
      .http()
      .post('/oauth/revoke')
      .auth(client.client_id, client.client_secret)
      .type('form')
      .send(form);
  const pets = (token: string) => t.http().get('/pets').set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAsAdmin(t);
    resourceServer = await registerClient({ client_name: 'pets gateway' });
    opaqueClient = await registerClient({ access_token_format: 'opaque' });
    otherClient = await registerClient({});
  });
  afterAll(() => t.close({ drop: true }));

  describe('introspection', () => {
    it('needs client authentication', async () => {
      const response = await t.http().post('/oauth/introspect').type('form').send({ token: admin });
      expect(response.status).toBe(401);
      expect(response.body).toEqual(
        oauthError('invalid_client', 'Client authentication is required'),
      );
    });

    it('answers active with the claims of a valid JWT', async () => {
      const response = await introspect(resourceServer, admin);
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).toEqual({
        active: true,
        iss: 'http://signet.test',
        sub: expect.any(String),
        aud: 'pets-api',
        exp: expect.any(Number),
        iat: expect.any(Number),
        jti: expect.any(String),
        client_id: 'signet-login',
        scope: 'admin pets:read pets:write pets:delete pets:adopt',
        username: 'admin',
        token_type: 'Bearer',
      });
    });

    it.each([
      ['garbage', 'not-a-token'],
      ['a tampered JWT', () => `${admin.slice(0, -4)}AAAA`],
      ['an unknown opaque token', 'A'.repeat(43)],
      ['a huge string', 'x'.repeat(20000)],
    ])('answers {active: false} for %s', async (_name, token) => {
      const value = typeof token === 'function' ? token() : token;
      const response = await introspect(resourceServer, value);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ active: false });
    });

    it('answers 400 invalid_request without a token', async () => {
      const response = await t
        .http()
        .post('/oauth/introspect')
        .auth(resourceServer.client_id, resourceServer.client_secret)
        .type('form')
        .send({});
      expect(response.status).toBe(400);
      expect(response.body).toEqual(oauthError('invalid_request', 'token is required'));
    });

    it('signs the answer as an RFC 9701 JWT when asked, which is no access token', async () => {
      const response = await introspect(
        resourceServer,
        admin,
        'application/token-introspection+jwt',
      );
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/token-introspection\+jwt/);
      const jwt = response.text;
      expect(decodeProtectedHeader(jwt)).toEqual(
        expect.objectContaining({ typ: 'token-introspection+jwt' }),
      );
      const jwks = (await t.http().get('/.well-known/jwks.json')).body as JSONWebKeySet;
      const { payload } = await jwtVerify(jwt, createLocalJWKSet(jwks), {
        issuer: 'http://signet.test',
        audience: resourceServer.client_id,
        currentDate: t.clock.now(),
      });
      expect(payload.token_introspection).toEqual(
        expect.objectContaining({ active: true, username: 'admin' }),
      );
      expect((await t.http().get('/auth/me').set('Authorization', `Bearer ${jwt}`)).status).toBe(
        401,
      );
    });
  });

  describe('opaque access tokens', () => {
    it('issues an opaque token that the pets API accepts by lookup', async () => {
      const token = await tokenFor(opaqueClient);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect((await pets(token)).status).toBe(200);
      const me = await t.http().get('/auth/me').set('Authorization', `Bearer ${token}`);
      expect(me.body).toEqual({
        sub: opaqueClient.client_id,
        client_id: opaqueClient.client_id,
        scope: 'pets:read',
      });
    });

    it('introspects an opaque token, and swaps it for a JWT with the same claims (phantom token)', async () => {
      const token = await tokenFor(opaqueClient);
      const json = await introspect(resourceServer, token);
      expect(json.body).toEqual(
        expect.objectContaining({
          active: true,
          sub: opaqueClient.client_id,
          client_id: opaqueClient.client_id,
        }),
      );
      const swapped = await introspect(resourceServer, token, 'application/jwt');
      expect(swapped.status).toBe(200);
      expect(swapped.headers['content-type']).toMatch(/^application\/jwt/);
      const claims = JSON.parse(
        Buffer.from(swapped.text.split('.')[1], 'base64url').toString(),
      ) as Record<string, unknown>;
      const {
        active: _active,
        token_type: _type,
        ...expected
      } = json.body as Record<string, unknown>;
      expect(claims).toEqual(expected);
      expect((await pets(swapped.text)).status).toBe(200);
    });

    it('a client cannot revoke another client’s token; the owner revokes it at once', async () => {
      const token = await tokenFor(opaqueClient);
      expect((await revoke(otherClient, { token })).status).toBe(200);
      expect((await pets(token)).status).toBe(200);

      const response = await revoke(opaqueClient, { token, token_type_hint: 'access_token' });
      expect(response.status).toBe(200);
      const refused = await pets(token);
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual(apiError(401, 'invalid_token', 'The access token is invalid'));
      expect((await introspect(resourceServer, token)).body).toEqual({ active: false });
      const swap = await introspect(resourceServer, token, 'application/jwt');
      expect(swap.status).toBe(200);
      expect(swap.body).toEqual({ active: false });
    });

    it('refuses an opaque token once it expired', async () => {
      const token = await tokenFor(opaqueClient);
      t.clock.advanceSeconds(t.config.accessTokenTtlSeconds + t.config.clockSkewSeconds);
      expect((await pets(token)).status).toBe(401);
      admin = await loginAsAdmin(t);
    });
  });

  describe('revocation', () => {
    it.each([
      ['garbage', { token: 'garbage' }],
      ['a JWT (stateless: nothing to do)', { token: 'a.b.c' }],
    ])('answers 200 for %s', async (_name, form) => {
      const response = await revoke(otherClient, form);
      expect(response.status).toBe(200);
    });

    it('answers 400 invalid_request without a token and 401 without client authentication', async () => {
      expect((await revoke(otherClient, {})).body).toEqual(
        oauthError('invalid_request', 'token is required'),
      );
      const anonymous = await t.http().post('/oauth/revoke').type('form').send({ token: 'x' });
      expect(anonymous.status).toBe(401);
      expect((anonymous.body as { error: string }).error).toBe('invalid_client');
    });
  });
});
