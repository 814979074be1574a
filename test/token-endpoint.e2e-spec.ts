import request from 'supertest';
import { createTestApp, TestApp } from './support/app';
import { loginAsAdmin } from './support/auth';
import { REQUEST_ID, requestIdOf } from './support/errors';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';

interface RegisteredClient {
  clientId: string;
  secret: string;
}

interface TokenBody {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
}

const decode = (part: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>;

const basicHeader = (value: string) => `Basic ${Buffer.from(value).toString('base64')}`;

describe('POST /oauth/token: client_credentials with a client secret (CONTRACT §6, RFC 6749 §4.4)', () => {
  let t: TestApp;
  let admin: string;
  let basicClient: RegisteredClient;
  let postClient: RegisteredClient;
  let exchangeOnly: RegisteredClient;
  let shortLived: RegisteredClient;
  let otherAudience: RegisteredClient;
  const secrets: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAsAdmin(t);
    basicClient = await register({
      client_id: 'reader-basic',
      client_name: 'Reader (Basic)',
      scope: 'pets:read pets:write',
    });
    postClient = await register({
      client_id: 'reader-post',
      client_name: 'Reader (post)',
      token_endpoint_auth_method: 'client_secret_post',
      scope: 'pets:read',
    });
    exchangeOnly = await register({
      client_id: 'exchanger',
      client_name: 'Token exchange only',
      grant_types: [TOKEN_EXCHANGE],
      scope: 'pets:read adoptions:process',
    });
    shortLived = await register({
      client_id: 'short-lived',
      client_name: 'Short-lived tokens',
      scope: 'pets:read',
      access_token_ttl: 42,
    });
    otherAudience = await register({
      client_id: 'other-audience',
      client_name: 'Another API',
      scope: 'pets:read',
      audience: 'partner-api',
    });
  });
  afterAll(() => t.close({ drop: true }));

  async function register(metadata: object): Promise<RegisteredClient> {
    const response = await t
      .http()
      .post('/admin/clients')
      .set('Authorization', `Bearer ${admin}`)
      .send(metadata)
      .expect(201);
    const body = response.body as { client_id: string; client_secret: string };
    secrets.push(body.client_secret);
    return { clientId: body.client_id, secret: body.client_secret };
  }

  const tokenRequest = () => t.http().post('/oauth/token');
  const withBasic = (client: RegisteredClient, form: object) =>
    tokenRequest().auth(client.clientId, client.secret).type('form').send(form);
  const withPost = (client: RegisteredClient, form: object) =>
    tokenRequest()
      .type('form')
      .send({ client_id: client.clientId, client_secret: client.secret, ...form });

  /** Every error: RFC 6749 §5.2 body only, never cached, never a secret. */
  function expectOAuthError(
    response: request.Response,
    status: number,
    error: string,
  ): request.Response {
    expect(response.status).toBe(status);
    // request_id: that of the X-Request-Id header (CONTRACT §2).
    expect(response.body).toEqual({
      error,
      error_description: expect.any(String),
      request_id: requestIdOf(response),
    });
    // Also on a 413: the body limit is checked after the request has its id.
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-request-id']).toMatch(REQUEST_ID);
    for (const secret of secrets) {
      expect(response.text).not.toContain(secret);
    }
    return response;
  }

  async function tokensIssued(): Promise<number> {
    const metrics = await t.http().get('/metrics').expect(200);
    const match = /^signet_tokens_issued_total\{grant="client_credentials"\} (\d+)$/m.exec(
      metrics.text,
    );
    return match ? Number(match[1]) : 0;
  }

  describe('successful requests', () => {
    it.each([
      ['client_secret_basic', () => basicClient, withBasic, 'pets:read pets:write'],
      ['client_secret_post', () => postClient, withPost, 'pets:read'],
    ])('%s answers 200 with an RFC 9068 client token', async (_method, clientOf, send, scope) => {
      const client = clientOf();
      const response = await send(client, { grant_type: 'client_credentials' });
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['pragma']).toBe('no-cache');
      expect(response.body).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 900,
        scope,
      });
      const [header, payload] = (response.body as TokenBody).access_token.split('.');
      expect(decode(header)).toEqual({ alg: 'RS256', kid: expect.any(String), typ: 'at+jwt' });
      const now = t.clock.nowSeconds();
      expect(decode(payload)).toEqual({
        iss: 'http://signet.test',
        sub: client.clientId,
        aud: 'pets-api',
        exp: now + 900,
        iat: now,
        jti: expect.any(String),
        client_id: client.clientId,
        scope,
      });
    });

    it('issues a token that the pets API and /auth/me accept', async () => {
      const token = (
        (await withPost(postClient, { grant_type: 'client_credentials' })).body as TokenBody
      ).access_token;
      const pets = await t.http().get('/pets').set('Authorization', `Bearer ${token}`);
      expect(pets.status).toBe(200);
      expect(pets.body).toEqual({
        items: expect.any(Array),
        total: expect.any(Number),
        limit: expect.any(Number),
        offset: 0,
      });
      const me = await t.http().get('/auth/me').set('Authorization', `Bearer ${token}`);
      expect(me.status).toBe(200);
      expect(me.body).toEqual({ sub: 'reader-post', client_id: 'reader-post', scope: 'pets:read' });
      // pets:write is not among its scopes.
      const create = await t
        .http()
        .post('/pets')
        .set('Authorization', `Bearer ${token}`)
        .send({ name: 'Rex', species: 'dog' });
      expect(create.status).toBe(403);
    });

    it('narrows the token to a requested subset of the client scopes', async () => {
      const response = await withBasic(basicClient, {
        grant_type: 'client_credentials',
        scope: 'pets:write',
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 900,
        scope: 'pets:write',
      });
      expect(decode((response.body as TokenBody).access_token.split('.')[1]).scope).toBe(
        'pets:write',
      );
    });

    it("uses the client's access_token_ttl for expires_in and exp", async () => {
      const response = await withBasic(shortLived, { grant_type: 'client_credentials' });
      expect(response.status).toBe(200);
      expect((response.body as TokenBody).expires_in).toBe(42);
      const claims = decode((response.body as TokenBody).access_token.split('.')[1]);
      expect((claims.exp as number) - (claims.iat as number)).toBe(42);
    });

    it("uses the client's audience for aud", async () => {
      const response = await withBasic(otherAudience, { grant_type: 'client_credentials' });
      expect(response.status).toBe(200);
      expect(decode((response.body as TokenBody).access_token.split('.')[1]).aud).toBe(
        'partner-api',
      );
    });

    it('accepts a Basic client_id and secret that are form-encoded (RFC 6749 §2.3.1)', async () => {
      const response = await tokenRequest()
        .set(
          'Authorization',
          basicHeader(`reader%2Dbasic:${encodeURIComponent(basicClient.secret)}`),
        )
        .type('form')
        .send({ grant_type: 'client_credentials' });
      expect(response.status).toBe(200);
    });

    it('accepts a client_id in the body that matches the Basic header', async () => {
      const response = await withBasic(basicClient, {
        grant_type: 'client_credentials',
        client_id: basicClient.clientId,
      });
      expect(response.status).toBe(200);
    });

    it('counts issued tokens in signet_tokens_issued_total{grant="client_credentials"}', async () => {
      const before = await tokensIssued();
      await withBasic(basicClient, { grant_type: 'client_credentials' }).expect(200);
      await withPost(postClient, { grant_type: 'client_credentials' }).expect(200);
      await withBasic(
        { ...basicClient, secret: 'wrong' },
        { grant_type: 'client_credentials' },
      ).expect(401);
      expect(await tokensIssued()).toBe(before + 2);
    });
  });

  describe('refused requests', () => {
    it.each([
      'pets:delete',
      'admin',
      'adoptions:process',
      'pets:read nonsense',
      'pets:read  pets:write',
    ])('answers 400 invalid_scope for the scope %j', async (scope) => {
      expectOAuthError(
        await withBasic(basicClient, { grant_type: 'client_credentials', scope }),
        400,
        'invalid_scope',
      );
    });

    it('never grants adoptions:process by client_credentials, even when the client holds it', async () => {
      const holder = await register({
        client_name: 'Holder',
        scope: 'pets:read adoptions:process',
      });
      const all = await withBasic(holder, { grant_type: 'client_credentials' });
      expect(all.status).toBe(200);
      expect((all.body as TokenBody).scope).toBe('pets:read');
      expectOAuthError(
        await withBasic(holder, { grant_type: 'client_credentials', scope: 'adoptions:process' }),
        400,
        'invalid_scope',
      );
    });

    const form = { grant_type: 'client_credentials' };
    // [rule, request, status, error, WWW-Authenticate]
    const cases: [string, () => request.Test, number, string, string | undefined][] = [
      [
        'a wrong secret by Basic',
        () => withBasic({ ...basicClient, secret: 'wrong' }, form),
        401,
        'invalid_client',
        'Basic realm="signet"',
      ],
      [
        'a wrong secret by post',
        () => withPost({ ...postClient, secret: 'wrong' }, form),
        401,
        'invalid_client',
        undefined,
      ],
      [
        'an empty secret by Basic',
        () => withBasic({ ...basicClient, secret: '' }, form),
        401,
        'invalid_client',
        'Basic realm="signet"',
      ],
      [
        "another client's secret",
        () => withBasic({ ...basicClient, secret: postClient.secret }, form),
        401,
        'invalid_client',
        'Basic realm="signet"',
      ],
      [
        'an unknown client by Basic',
        () => withBasic({ clientId: 'nobody', secret: basicClient.secret }, form),
        401,
        'invalid_client',
        'Basic realm="signet"',
      ],
      [
        'an unknown client by post',
        () => withPost({ clientId: 'nobody', secret: postClient.secret }, form),
        401,
        'invalid_client',
        undefined,
      ],
      [
        'a client_id with a NUL byte by post',
        () => withPost({ clientId: 'reader\u0000post', secret: postClient.secret }, form),
        400,
        'invalid_request',
        undefined,
      ],
      [
        'a scope with a line feed',
        () => withPost(postClient, { ...form, scope: 'pets:read\npets:write' }),
        400,
        'invalid_request',
        undefined,
      ],
      [
        'a client_id with a NUL byte by Basic',
        () =>
          tokenRequest()
            .set('Authorization', basicHeader(`reader%00basic:${basicClient.secret}`))
            .type('form')
            .send(form),
        401,
        'invalid_client',
        'Basic realm="signet"',
      ],
      [
        'a very long client_id',
        () => withPost({ clientId: 'x'.repeat(5000), secret: 'x' }, form),
        401,
        'invalid_client',
        undefined,
      ],
      [
        'a Basic client using client_secret_post',
        () => withPost(basicClient, form),
        401,
        'invalid_client',
        undefined,
      ],
      [
        'a post client using client_secret_basic',
        () => withBasic(postClient, form),
        401,
        'invalid_client',
        'Basic realm="signet"',
      ],
      [
        'a client_secret without a client_id',
        () =>
          tokenRequest()
            .type('form')
            .send({ ...form, client_secret: postClient.secret }),
        401,
        'invalid_client',
        undefined,
      ],
      [
        'a client_id alone',
        () =>
          tokenRequest()
            .type('form')
            .send({ ...form, client_id: postClient.clientId }),
        401,
        'invalid_client',
        undefined,
      ],
      [
        'no client authentication',
        () => tokenRequest().type('form').send(form),
        401,
        'invalid_client',
        undefined,
      ],
      [
        'Basic and a client_secret in the body',
        () => withBasic(basicClient, { ...form, client_secret: basicClient.secret }),
        400,
        'invalid_request',
        undefined,
      ],
      [
        'Basic and a client assertion',
        () =>
          withBasic(basicClient, {
            ...form,
            client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
            client_assertion: 'a.b.c',
          }),
        400,
        'invalid_request',
        undefined,
      ],
      [
        'a body client_id other than the Basic one',
        () => withBasic(basicClient, { ...form, client_id: postClient.clientId }),
        400,
        'invalid_request',
        undefined,
      ],
      [
        'a malformed Basic header',
        () => tokenRequest().set('Authorization', 'Basic !!!not-base64').type('form').send(form),
        400,
        'invalid_request',
        undefined,
      ],
      [
        'a Basic header without a colon',
        () =>
          tokenRequest().set('Authorization', basicHeader('reader-basic')).type('form').send(form),
        400,
        'invalid_request',
        undefined,
      ],
      [
        'a Basic header with a bad percent-encoding',
        () =>
          tokenRequest()
            .set('Authorization', basicHeader(`reader-basic:%E0%A4%A`))
            .type('form')
            .send(form),
        400,
        'invalid_request',
        undefined,
      ],
      [
        'an empty Basic header',
        () => tokenRequest().set('Authorization', 'Basic').type('form').send(form),
        400,
        'invalid_request',
        undefined,
      ],
      ['no grant_type', () => withBasic(basicClient, {}), 400, 'invalid_request', undefined],
      [
        'an empty grant_type',
        () => withBasic(basicClient, { grant_type: '' }),
        400,
        'invalid_request',
        undefined,
      ],
      [
        'grant_type=password',
        () => withBasic(basicClient, { grant_type: 'password', username: 'admin', password: 'x' }),
        400,
        'unsupported_grant_type',
        undefined,
      ],
      [
        'grant_type=authorization_code',
        () => withBasic(basicClient, { grant_type: 'authorization_code', code: 'x' }),
        400,
        'unsupported_grant_type',
        undefined,
      ],
      [
        'client_credentials for a token-exchange-only client',
        () => withBasic(exchangeOnly, form),
        400,
        'unauthorized_client',
        undefined,
      ],
      [
        'a JSON body',
        () => tokenRequest().auth(basicClient.clientId, basicClient.secret).send(form),
        400,
        'invalid_request',
        undefined,
      ],
      [
        'a text body',
        () =>
          tokenRequest()
            .auth(basicClient.clientId, basicClient.secret)
            .type('text/plain')
            .send('grant_type=client_credentials'),
        400,
        'invalid_request',
        undefined,
      ],
      [
        'grant_type twice',
        () =>
          tokenRequest()
            .auth(basicClient.clientId, basicClient.secret)
            .type('form')
            .send('grant_type=client_credentials&grant_type=client_credentials'),
        400,
        'invalid_request',
        undefined,
      ],
      [
        'scope twice',
        () =>
          tokenRequest()
            .auth(basicClient.clientId, basicClient.secret)
            .type('form')
            .send('grant_type=client_credentials&scope=pets:read&scope=pets:write'),
        400,
        'invalid_request',
        undefined,
      ],
      [
        'client_secret twice',
        () =>
          tokenRequest()
            .type('form')
            .send(
              `grant_type=client_credentials&client_id=reader-post&client_secret=${postClient.secret}&client_secret=${postClient.secret}`,
            ),
        400,
        'invalid_request',
        undefined,
      ],
    ];
    it.each(cases)('refuses %s', async (_rule, send, status, error, challenge) => {
      const response = expectOAuthError(await send(), status, error);
      expect(response.headers['www-authenticate']).toBe(challenge);
    });

    it('answers a 1 MB body with 413 quickly, before reading it all', async () => {
      const started = Date.now();
      const response = await tokenRequest()
        .auth(basicClient.clientId, basicClient.secret)
        .type('form')
        .send(`grant_type=client_credentials&scope=${'a'.repeat(1024 * 1024)}`);
      expect(Date.now() - started).toBeLessThan(2000);
      expectOAuthError(response, 413, 'payload_too_large');
    });

    it('answers a 1 MB client_assertion with a 4xx, never a 500', async () => {
      const response = await tokenRequest()
        .type('form')
        .send({
          grant_type: 'client_credentials',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: 'a'.repeat(1024 * 1024),
        });
      expectOAuthError(response, 413, 'payload_too_large');
    });
  });
});
