import request from 'supertest';
import { createTestApp, TestApp } from './support/app';
import { createUserToken, loginAsAdmin } from './support/auth';
import { apiError, oauthError } from './support/errors';
import { signWithServerKey, validClaims, withPayloadChanged } from './support/tokens';

// A new database, migrations and argon2 hashes: slow on a busy two-core machine.
const SETUP_TIMEOUT_MS = 30_000;

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const EVENT_ID = '5b0c3f7e-8a57-4d47-9a33-1b6f3a0f9c10';
const PAYLOAD_HASH = 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg';

interface RegisteredClient {
  clientId: string;
  secret: string;
}

const decode = (part: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>;

describe('POST /oauth/token: token exchange (CONTRACT §6, RFC 8693)', () => {
  let t: TestApp;
  let admin: string;
  let user: { id: string; token: string };
  let eventsClient: RegisteredClient;
  let delegate: RegisteredClient;
  let noGrant: RegisteredClient;

  beforeAll(async () => {
    t = await createTestApp({ config: { eventPollIntervalSeconds: 0 } });
    admin = await loginAsAdmin(t);
    user = await createUserToken(t, admin, 'pets:read pets:adopt');
    eventsClient = await register({
      client_id: 'payments',
      client_name: 'Payments',
      grant_types: [TOKEN_EXCHANGE],
      scope: 'adoptions:process',
    });
    delegate = await register({
      client_id: 'delegate',
      client_name: 'Acts for users',
      grant_types: [TOKEN_EXCHANGE],
      scope: 'pets:read',
    });
    noGrant = await register({
      client_id: 'no-exchange',
      client_name: 'client_credentials only',
      scope: 'pets:read adoptions:process',
    });
  }, SETUP_TIMEOUT_MS);
  afterAll(() => t.close({ drop: true }));

  async function register(metadata: object): Promise<RegisteredClient> {
    const response = await t
      .http()
      .post('/admin/clients')
      .set('Authorization', `Bearer ${admin}`)
      .send(metadata)
      .expect(201);
    const body = response.body as { client_id: string; client_secret: string };
    return { clientId: body.client_id, secret: body.client_secret };
  }

  const exchange = (client: RegisteredClient, form: Record<string, string | undefined>) =>
    t
      .http()
      .post('/oauth/token')
      .auth(client.clientId, client.secret)
      .type('form')
      .send(
        Object.fromEntries(
          Object.entries({
            grant_type: TOKEN_EXCHANGE,
            subject_token: user.token,
            subject_token_type: ACCESS_TOKEN_TYPE,
            ...form,
          }).filter(([, value]) => value !== undefined),
        ),
      );

  const eventForm = {
    scope: 'adoptions:process',
    event_id: EVENT_ID,
    event_payload_hash: PAYLOAD_HASH,
  };

  function expectOAuthError(response: request.Response, status: number, error: string): void {
    expect({ status: response.status, body: response.body as unknown }).toEqual({
      status,
      body: oauthError(error, expect.any(String)),
    });
    expect(response.headers['cache-control']).toBe('no-store');
  }

  it('issues an event token bound to one event, acting for the user', async () => {
    const response = await exchange(eventsClient, eventForm);
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toEqual({
      access_token: expect.any(String),
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: 31536000,
      scope: 'adoptions:process',
    });
    const [header, payload] = (response.body as { access_token: string }).access_token.split('.');
    expect(decode(header)).toEqual({ alg: 'RS256', kid: expect.any(String), typ: 'at+jwt' });
    const claims = decode(payload);
    expect(claims).toEqual({
      iss: 'http://signet.test',
      sub: user.id,
      aud: 'pets-api',
      exp: expect.any(Number),
      iat: t.clock.nowSeconds(),
      jti: expect.any(String),
      client_id: 'payments',
      scope: 'adoptions:process',
      username: expect.any(String),
      act: { sub: 'payments' },
      event_id: EVENT_ID,
      event_payload_hash: PAYLOAD_HASH,
    });
    expect(claims.exp).toBe(t.clock.nowSeconds() + 31536000);
  });

  it('refuses the event token at HTTP routes', async () => {
    const token = ((await exchange(eventsClient, eventForm)).body as { access_token: string })
      .access_token;
    const response = await t.http().get('/pets').set('Authorization', `Bearer ${token}`);
    expect(response.status).toBe(401);
    expect(response.body).toEqual(apiError(401, 'invalid_token', expect.any(String)));
  });

  it('issues a down-scoped delegated token that never outlives its subject', async () => {
    const response = await exchange(delegate, { scope: 'pets:read' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      access_token: expect.any(String),
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: 900,
      scope: 'pets:read',
    });
    const token = (response.body as { access_token: string }).access_token;
    const claims = decode(token.split('.')[1]);
    expect(claims).toMatchObject({ sub: user.id, client_id: 'delegate', act: { sub: 'delegate' } });
    expect(claims).not.toHaveProperty('event_id');
    await t.http().get('/pets').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it("grants the subject's scopes when no scope is asked for", async () => {
    const response = await exchange(delegate, { scope: undefined });
    expect(response.status).toBe(200);
    expect((response.body as { scope: string }).scope).toBe('pets:read pets:adopt');
  });

  it.each([
    ['no subject_token', () => ({ ...eventForm, subject_token: undefined })],
    ['another subject_token_type', () => ({ ...eventForm, subject_token_type: 'urn:x:jwt' })],
    ['another requested_token_type', () => ({ ...eventForm, requested_token_type: 'urn:x:jwt' })],
    ['an actor_token', () => ({ ...eventForm, actor_token: user.token })],
    ['an event token without event_id', () => ({ ...eventForm, event_id: undefined })],
    [
      'an event token without event_payload_hash',
      () => ({ ...eventForm, event_payload_hash: undefined }),
    ],
    ['a malformed event_payload_hash', () => ({ ...eventForm, event_payload_hash: 'abc' })],
    ['a malformed event_id', () => ({ ...eventForm, event_id: 'a b' })],
    ['garbage as subject', () => ({ ...eventForm, subject_token: 'not-a-token' })],
    [
      'a tampered subject token',
      () => ({ ...eventForm, subject_token: withPayloadChanged(user.token, { scope: 'admin' }) }),
    ],
  ])('answers invalid_request for %s', async (_name, form) => {
    expectOAuthError(await exchange(eventsClient, form()), 400, 'invalid_request');
  });

  it.each([
    [
      'an expired subject token',
      (t: TestApp) =>
        signWithServerKey(t, validClaims(t, { exp: t.clock.nowSeconds() - 3600, iat: 1 })),
    ],
    [
      'a client token as subject',
      (t: TestApp) =>
        signWithServerKey(
          t,
          validClaims(t, { sub: 'payments', client_id: 'payments', username: undefined }),
        ),
    ],
    [
      'an event token as subject',
      (t: TestApp) =>
        signWithServerKey(
          t,
          validClaims(t, {
            scope: 'adoptions:process',
            event_id: EVENT_ID,
            event_payload_hash: PAYLOAD_HASH,
          }),
        ),
    ],
  ])('refuses %s with invalid_request', async (_name, mint) => {
    const subject = await mint(t);
    expectOAuthError(
      await exchange(eventsClient, { ...eventForm, subject_token: subject }),
      400,
      'invalid_request',
    );
  });

  it('refuses an exchanged event token as the subject of another exchange', async () => {
    const eventToken = ((await exchange(eventsClient, eventForm)).body as { access_token: string })
      .access_token;
    expectOAuthError(
      await exchange(eventsClient, { ...eventForm, subject_token: eventToken }),
      400,
      'invalid_request',
    );
  });

  it.each([
    ['a scope the subject does not hold', () => delegate, { scope: 'pets:write' }],
    ['admin', () => delegate, { scope: 'pets:read admin' }],
    ['adoptions:process for a client not registered for it', () => delegate, eventForm],
    [
      'adoptions:process with another scope',
      () => eventsClient,
      { ...eventForm, scope: 'adoptions:process pets:read' },
    ],
    ['a malformed scope', () => delegate, { scope: 'pets:read  pets:adopt' }],
  ])('answers invalid_scope for %s', async (_name, clientOf, form) => {
    expectOAuthError(await exchange(clientOf(), form), 400, 'invalid_scope');
  });

  it('answers invalid_request for event binding on a token that is no event token', async () => {
    expectOAuthError(
      await exchange(delegate, { scope: 'pets:read', event_id: EVENT_ID }),
      400,
      'invalid_request',
    );
  });

  it('answers unauthorized_client to a client not allowed the grant', async () => {
    expectOAuthError(await exchange(noGrant, eventForm), 400, 'unauthorized_client');
  });

  it('answers invalid_client to a wrong secret', async () => {
    expectOAuthError(
      await exchange({ clientId: 'payments', secret: 'wrong' }, eventForm),
      401,
      'invalid_client',
    );
  });

  it('is listed in the discovery metadata', async () => {
    const response = await t.http().get('/.well-known/openid-configuration').expect(200);
    expect((response.body as { grant_types_supported: string[] }).grant_types_supported).toEqual([
      'client_credentials',
      TOKEN_EXCHANGE,
    ]);
  });
});
