import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { exportJWK, JWK } from 'jose';
import request from 'supertest';
import { createTestApp, TestApp } from './support/app';
import { createUserToken, loginAsAdmin } from './support/auth';
import { apiError, oauthError } from './support/errors';

const SECRET = /^[A-Za-z0-9_-]{43}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const NOT_FOUND = apiError(404, 'not_found', 'Client not found');
const INVALID_CLIENT = oauthError('invalid_client', 'Client authentication failed');

interface ClientBody {
  client_id: string;
  client_secret?: string;
  [name: string]: unknown;
}

async function publicJwk(key: KeyObject, kid: string): Promise<JWK> {
  return { ...(await exportJWK(key)), kid, alg: 'PS256', use: 'sig' };
}

describe('admin clients API (CONTRACT §7, RFC 7591 metadata)', () => {
  let t: TestApp;
  let admin: string;
  let rsaJwk: JWK;
  /** Every secret the server handed out; none may come back after its one answer. */
  const secretsIssued = new Set<string>();

  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAsAdmin(t);
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    rsaJwk = await publicJwk(publicKey, 'partner-key-1');
  });
  afterAll(() => t.close({ drop: true }));

  function expectNoSecrets(response: request.Response): request.Response {
    expect(response.text).not.toMatch(/secretHash|secret_hash|hmac-sha256/i);
    for (const secret of secretsIssued) {
      expect(response.text).not.toContain(secret);
    }
    return response;
  }

  /** Requests carrying `token`, or no Authorization header at all when it is undefined. */
  const withToken = (token: string | undefined) => {
    const authorize = (test: request.Test) =>
      token === undefined ? test : test.set('Authorization', `Bearer ${token}`);
    return {
      post: (path: string, body: object = {}) => authorize(t.http().post(path)).send(body),
      get: (path: string) => authorize(t.http().get(path)),
      patch: (path: string, body: object) => authorize(t.http().patch(path)).send(body),
      delete: (path: string) => authorize(t.http().delete(path)),
    };
  };
  const asAdmin = () => withToken(admin);

  /** Registers a client one second after the previous one, so "oldest first" is well defined. */
  async function createClient(metadata: object): Promise<ClientBody> {
    t.clock.advanceSeconds(1);
    const response = await asAdmin().post('/admin/clients', metadata);
    expect(response.status).toBe(201);
    const body = response.body as ClientBody;
    if (body.client_secret !== undefined) {
      secretsIssued.add(body.client_secret);
    }
    return body;
  }

  const clientCredentials = (clientId: string, secret: string) =>
    t
      .http()
      .post('/oauth/token')
      .auth(clientId, secret)
      .type('form')
      .send({ grant_type: 'client_credentials' });

  describe('POST /admin/clients', () => {
    it('registers a client_secret_basic client with the defaults and shows its secret once', async () => {
      t.clock.advanceSeconds(1);
      const now = t.clock.now();
      const response = await asAdmin().post('/admin/clients', {
        client_id: 'partner-basic',
        client_name: 'Partner with Basic',
        scope: 'pets:read',
      });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        client_id: 'partner-basic',
        client_name: 'Partner with Basic',
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'pets:read',
        audience: null,
        access_token_ttl: null,
        access_token_format: 'jwt',
        client_id_issued_at: Math.floor(now.getTime() / 1000),
        client_secret: expect.stringMatching(SECRET),
        client_secret_expires_at: 0,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      });
      const secret = (response.body as ClientBody).client_secret!;
      secretsIssued.add(secret);
      expect((await clientCredentials('partner-basic', secret)).status).toBe(200);
    });

    it('generates a client_id and takes every optional field', async () => {
      t.clock.advanceSeconds(1);
      const now = t.clock.now();
      const response = await asAdmin().post('/admin/clients', {
        client_name: 'Partner with post',
        grant_types: ['client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange'],
        token_endpoint_auth_method: 'client_secret_post',
        scope: 'pets:read pets:write adoptions:process',
        audience: 'partner-api',
        access_token_ttl: 120,
        access_token_format: 'opaque',
      });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        client_id: expect.stringMatching(/^[A-Za-z0-9_-]{22,}$/),
        client_name: 'Partner with post',
        grant_types: ['client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange'],
        token_endpoint_auth_method: 'client_secret_post',
        scope: 'pets:read pets:write adoptions:process',
        audience: 'partner-api',
        access_token_ttl: 120,
        access_token_format: 'opaque',
        client_id_issued_at: Math.floor(now.getTime() / 1000),
        client_secret: expect.stringMatching(SECRET),
        client_secret_expires_at: 0,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      });
      secretsIssued.add((response.body as ClientBody).client_secret!);
      const other = await createClient({ client_name: 'Another', scope: 'pets:read' });
      expect(other.client_id).not.toBe((response.body as ClientBody).client_id);
    });

    it('registers a private_key_jwt client with inline jwks and gives it no secret', async () => {
      t.clock.advanceSeconds(1);
      const now = t.clock.now();
      const response = await asAdmin().post('/admin/clients', {
        client_id: 'partner-jwks',
        client_name: 'Partner with keys',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [rsaJwk] },
        scope: 'pets:read',
      });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        client_id: 'partner-jwks',
        client_name: 'Partner with keys',
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [rsaJwk] },
        scope: 'pets:read',
        audience: null,
        access_token_ttl: null,
        access_token_format: 'jwt',
        client_id_issued_at: Math.floor(now.getTime() / 1000),
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      });
    });

    it.each([
      'http://127.0.0.1:8443/jwks.json',
      'http://localhost/jwks.json',
      'http://[::1]:9000/jwks.json',
      'https://partner.example/.well-known/jwks.json',
    ])('registers a private_key_jwt client with the jwks_uri %s', async (jwksUri) => {
      const body = await createClient({
        client_name: 'Partner with a jwks_uri',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: jwksUri,
        scope: 'pets:read',
      });
      expect(body).toMatchObject({
        jwks_uri: jwksUri,
        token_endpoint_auth_method: 'private_key_jwt',
      });
      expect(body).not.toHaveProperty('client_secret');
      expect(body).not.toHaveProperty('client_secret_expires_at');
    });

    it.each(['signet-login', 'signet-events'])(
      'answers 409 for the client_id %s, which Signet’s own tokens carry',
      async (clientId) => {
        const response = await asAdmin().post('/admin/clients', {
          client_id: clientId,
          client_name: 'Impostor',
          scope: 'pets:read',
        });
        expect(response.status).toBe(409);
        expect(response.body).toEqual(
          apiError(409, 'conflict', 'That client_id is reserved for tokens Signet issues itself'),
        );
        expect((await asAdmin().get(`/admin/clients/${clientId}`)).status).toBe(404);
      },
    );

    it('answers 409 for a taken client_id, changing nothing', async () => {
      const first = await createClient({
        client_id: 'taken-id',
        client_name: 'First',
        scope: 'pets:read',
      });
      const response = await asAdmin().post('/admin/clients', {
        client_id: 'taken-id',
        client_name: 'Second',
        scope: 'admin',
      });
      expect(response.status).toBe(409);
      expect(response.body).toEqual(apiError(409, 'conflict', 'That client_id is taken'));
      const { client_secret: _secret, client_secret_expires_at: _expires, ...shown } = first;
      expect((await asAdmin().get('/admin/clients/taken-id')).body).toEqual(shown);
      expect((await clientCredentials('taken-id', first.client_secret!)).status).toBe(200);
    });
  });

  describe('validation', () => {
    const base = { client_name: 'Invalid', scope: 'pets:read' };
    const pkj = { ...base, token_endpoint_auth_method: 'private_key_jwt' };
    let privateJwk: JWK;
    let smallRsaJwk: JWK;
    beforeAll(async () => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      privateJwk = { ...(await exportJWK(privateKey)), kid: 'leaked' };
      const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
      smallRsaJwk = await publicJwk(small.publicKey, 'small');
    });

    // [rule, metadata, error code, words the message must contain]
    const cases: [string, () => object, string, string][] = [
      [
        'private_key_jwt without jwks or jwks_uri',
        () => pkj,
        'invalid_client_metadata',
        'exactly one of jwks or jwks_uri',
      ],
      [
        'private_key_jwt with both jwks and jwks_uri',
        () => ({ ...pkj, jwks: { keys: [rsaJwk] }, jwks_uri: 'https://partner.example/jwks' }),
        'invalid_client_metadata',
        'exactly one of jwks or jwks_uri',
      ],
      [
        'client_secret_basic with jwks',
        () => ({ ...base, jwks: { keys: [rsaJwk] } }),
        'invalid_client_metadata',
        'client_secret_basic takes no jwks',
      ],
      [
        'client_secret_post with a jwks_uri',
        () => ({
          ...base,
          token_endpoint_auth_method: 'client_secret_post',
          jwks_uri: 'https://partner.example/jwks',
        }),
        'invalid_client_metadata',
        'client_secret_post takes no jwks',
      ],
      [
        'a jwks holding a private key',
        () => ({ ...pkj, jwks: { keys: [privateJwk] } }),
        'invalid_client_metadata',
        'private members',
      ],
      [
        'an RSA key under 2048 bits',
        () => ({ ...pkj, jwks: { keys: [smallRsaJwk] } }),
        'invalid_client_metadata',
        'at least 2048 bits',
      ],
      [
        'an empty jwks',
        () => ({ ...pkj, jwks: { keys: [] } }),
        'invalid_client_metadata',
        'jwks must be a JWK Set',
      ],
      [
        'a symmetric key',
        () => ({ ...pkj, jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }),
        'invalid_client_metadata',
        'kty must be RSA, EC or OKP',
      ],
      [
        'an HMAC alg on a key',
        () => ({ ...pkj, jwks: { keys: [{ ...rsaJwk, alg: 'HS256' }] } }),
        'invalid_client_metadata',
        'alg must be one of',
      ],
      [
        'a jwks_uri over http to another host',
        () => ({ ...pkj, jwks_uri: 'http://partner.example/jwks' }),
        'invalid_client_metadata',
        'jwks_uri must use https',
      ],
      [
        'a jwks_uri that is no URL',
        () => ({ ...pkj, jwks_uri: 'not a url' }),
        'invalid_client_metadata',
        'jwks_uri must be an absolute URL',
      ],
      [
        'a jwks_uri with credentials',
        () => ({ ...pkj, jwks_uri: 'https://user:pw@partner.example/jwks' }),
        'invalid_client_metadata',
        'credentials',
      ],
      [
        'an unknown grant type',
        () => ({ ...base, grant_types: ['password'] }),
        'bad_request',
        'grant_types',
      ],
      ['an empty grant_types', () => ({ ...base, grant_types: [] }), 'bad_request', 'grant_types'],
      [
        'an unknown token_endpoint_auth_method',
        () => ({ ...base, token_endpoint_auth_method: 'none' }),
        'bad_request',
        'token_endpoint_auth_method',
      ],
      [
        'an unknown scope',
        () => ({ ...base, scope: 'pets:read pets:fly' }),
        'bad_request',
        'scope',
      ],
      ['no scope', () => ({ client_name: 'Invalid' }), 'bad_request', 'scope'],
      ['an empty scope', () => ({ ...base, scope: ' ' }), 'bad_request', 'scope'],
      ['a null client_id', () => ({ ...base, client_id: null }), 'bad_request', 'client_id'],
      [
        'a repeated grant type',
        () => ({ ...base, grant_types: ['client_credentials', 'client_credentials'] }),
        'bad_request',
        'grant_types',
      ],
      ['no client_name', () => ({ scope: 'pets:read' }), 'bad_request', 'client_name'],
      [
        'access_token_ttl 0',
        () => ({ ...base, access_token_ttl: 0 }),
        'bad_request',
        'access_token_ttl',
      ],
      [
        'a fractional access_token_ttl',
        () => ({ ...base, access_token_ttl: 1.5 }),
        'bad_request',
        'access_token_ttl',
      ],
      [
        'an unknown access_token_format',
        () => ({ ...base, access_token_format: 'saml' }),
        'bad_request',
        'access_token_format',
      ],
      [
        'a client_id with a slash',
        () => ({ ...base, client_id: 'a/b' }),
        'bad_request',
        'client_id',
      ],
      [
        'a client_name with a NUL byte',
        () => ({ ...base, client_name: 'a\u0000b' }),
        'bad_request',
        'client_name',
      ],
      [
        'an audience with a NUL byte',
        () => ({ ...base, audience: 'a\u0000b' }),
        'bad_request',
        'audience',
      ],
      [
        'an unknown field',
        () => ({ ...base, redirect_uris: ['https://x.example/cb'] }),
        'bad_request',
        'redirect_uris',
      ],
      [
        'a client_secret chosen by the caller',
        () => ({ ...base, client_secret: 'my-own-secret' }),
        'bad_request',
        'client_secret',
      ],
    ];
    it.each(cases)(
      'refuses %s with 400, storing nothing',
      async (_rule, metadata, error, words) => {
        const before = await asAdmin().get('/admin/clients');
        const response = await asAdmin().post('/admin/clients', metadata());
        expect(response.status).toBe(400);
        expect(response.body).toEqual(apiError(400, error, expect.stringContaining(words)));
        const after = await asAdmin().get('/admin/clients');
        expect((after.body as { total: number }).total).toBe(
          (before.body as { total: number }).total,
        );
      },
    );

    it('allows a plain-http jwks_uri to any host with JWKS_URI_ALLOW_HTTP', async () => {
      const relaxed = await createTestApp({ config: { jwksUriAllowHttp: true } });
      try {
        const token = await loginAsAdmin(relaxed);
        const response = await relaxed
          .http()
          .post('/admin/clients')
          .set('Authorization', `Bearer ${token}`)
          .send({ ...pkj, jwks_uri: 'http://partner.example/jwks' });
        expect(response.status).toBe(201);
        expect(response.body).toMatchObject({ jwks_uri: 'http://partner.example/jwks' });
      } finally {
        await relaxed.close({ drop: true });
      }
    });
  });

  describe('GET /admin/clients', () => {
    it('lists clients oldest first, paginated, without secrets', async () => {
      const all = await asAdmin().get('/admin/clients?limit=100');
      expectNoSecrets(all);
      expect(all.status).toBe(200);
      const page = all.body as {
        items: ClientBody[];
        total: number;
        limit: number;
        offset: number;
      };
      expect(page).toEqual({
        items: expect.any(Array),
        total: page.items.length,
        limit: 100,
        offset: 0,
      });
      const created = page.items.map((c) => c.createdAt as string);
      expect([...created].sort()).toEqual(created);
      expect(page.items[0].client_id).toBe('partner-basic');
      for (const item of page.items) {
        expect(item).not.toHaveProperty('client_secret');
        expect(item).not.toHaveProperty('client_secret_expires_at');
        expect(item.createdAt).toMatch(ISO);
      }

      const second = await asAdmin().get('/admin/clients?limit=2&offset=1');
      expect(second.status).toBe(200);
      expect(second.body).toEqual({
        items: page.items.slice(1, 3),
        total: page.total,
        limit: 2,
        offset: 1,
      });
    });

    it.each(['limit=0', 'limit=abc', 'offset=-1', 'limit=101', 'sort=name'])(
      'answers 400 for the query %s',
      async (query) => {
        const response = await asAdmin().get(`/admin/clients?${query}`);
        expect(response.status).toBe(400);
        expect(response.body).toEqual(apiError(400, 'bad_request', expect.any(String)));
      },
    );
  });

  describe('GET, PATCH and DELETE /admin/clients/{client_id}', () => {
    it('gets one client without its secret', async () => {
      const created = await createClient({
        client_id: 'get-me',
        client_name: 'Get me',
        scope: 'pets:read',
      });
      const response = expectNoSecrets(await asAdmin().get('/admin/clients/get-me'));
      expect(response.status).toBe(200);
      const { client_secret: _secret, client_secret_expires_at: _expires, ...shown } = created;
      expect(response.body).toEqual(shown);
    });

    it('changes scope, audience, lifetime and format; the next token follows', async () => {
      const created = await createClient({
        client_id: 'patch-me',
        client_name: 'Patch me',
        scope: 'pets:read',
      });
      t.clock.advanceSeconds(5);
      const response = expectNoSecrets(
        await asAdmin().patch('/admin/clients/patch-me', {
          client_name: 'Patched',
          scope: 'pets:read pets:write',
          audience: 'partner-api',
          access_token_ttl: 60,
          access_token_format: 'opaque',
        }),
      );
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        client_id: 'patch-me',
        client_name: 'Patched',
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'pets:read pets:write',
        audience: 'partner-api',
        access_token_ttl: 60,
        access_token_format: 'opaque',
        client_id_issued_at: created.client_id_issued_at,
        createdAt: created.createdAt,
        updatedAt: t.clock.now().toISOString(),
      });
      expect((await asAdmin().get('/admin/clients/patch-me')).body).toEqual(response.body);

      // Back to JWT to read the claims of the next token.
      await asAdmin().patch('/admin/clients/patch-me', { access_token_format: 'jwt' }).expect(200);
      const token = await clientCredentials('patch-me', created.client_secret!);
      expect(token.status).toBe(200);
      expect(token.body).toMatchObject({ expires_in: 60, scope: 'pets:read pets:write' });
      const claims = JSON.parse(
        Buffer.from(
          (token.body as { access_token: string }).access_token.split('.')[1],
          'base64url',
        ).toString(),
      ) as Record<string, unknown>;
      expect(claims).toMatchObject({ aud: 'partner-api', scope: 'pets:read pets:write' });
    });

    it('resets audience and lifetime to the defaults with null', async () => {
      await createClient({
        client_id: 'reset-me',
        client_name: 'Reset me',
        scope: 'pets:read',
        audience: 'partner-api',
        access_token_ttl: 60,
      });
      const response = await asAdmin().patch('/admin/clients/reset-me', {
        audience: null,
        access_token_ttl: null,
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ audience: null, access_token_ttl: null });
    });

    it.each([
      [{ client_id: 'renamed' }, 'client_id'],
      [{ token_endpoint_auth_method: 'client_secret_post' }, 'token_endpoint_auth_method'],
      [{ client_secret: 'mine' }, 'client_secret'],
      [{ scope: 'pets:fly' }, 'scope'],
      [{ access_token_ttl: 0 }, 'access_token_ttl'],
      [{ grant_types: ['implicit'] }, 'grant_types'],
      [{ client_name: null }, 'client_name'],
      [{ scope: null }, 'scope'],
      [{ scope: '' }, 'scope'],
      [{ grant_types: null }, 'grant_types'],
      [{ access_token_format: null }, 'access_token_format'],
      [{ jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] } }, 'jwks'],
    ])('refuses the change %j with 400, changing nothing', async (change, field) => {
      const created = await createClient({ client_name: 'Unchanged', scope: 'pets:read' });
      const path = `/admin/clients/${created.client_id}`;
      const before = (await asAdmin().get(path)).body as object;
      const response = await asAdmin().patch(path, change);
      expect(response.status).toBe(400);
      expect(response.body).toEqual(
        apiError(
          400,
          expect.stringMatching(/^(bad_request|invalid_client_metadata)$/),
          expect.stringContaining(field),
        ),
      );
      expect((await asAdmin().get(path)).body).toEqual(before);
    });

    it('switches a private_key_jwt client from jwks to jwks_uri', async () => {
      await createClient({
        client_id: 'switch-keys',
        client_name: 'Switch keys',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [rsaJwk] },
        scope: 'pets:read',
      });
      const both = await asAdmin().patch('/admin/clients/switch-keys', {
        jwks_uri: 'https://partner.example/jwks',
      });
      expect(both.status).toBe(400);
      const response = await asAdmin().patch('/admin/clients/switch-keys', {
        jwks: null,
        jwks_uri: 'https://partner.example/jwks',
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ jwks_uri: 'https://partner.example/jwks' });
      expect(response.body).not.toHaveProperty('jwks');
    });

    it('deletes a client with 204; it is gone and can no longer get a token', async () => {
      const created = await createClient({
        client_id: 'delete-me',
        client_name: 'Delete me',
        scope: 'pets:read',
      });
      expect((await clientCredentials('delete-me', created.client_secret!)).status).toBe(200);
      const response = await asAdmin().delete('/admin/clients/delete-me');
      expect(response.status).toBe(204);
      expect(response.text).toBe('');
      const gone = await asAdmin().get('/admin/clients/delete-me');
      expect(gone.status).toBe(404);
      expect(gone.body).toEqual(NOT_FOUND);
      const token = await clientCredentials('delete-me', created.client_secret!);
      expect(token.status).toBe(401);
      expect(token.body).toEqual(INVALID_CLIENT);
      // The id is free again.
      await createClient({ client_id: 'delete-me', client_name: 'Again', scope: 'pets:read' });
    });

    it.each([
      ['GET', (id: string) => asAdmin().get(`/admin/clients/${id}`)],
      ['PATCH', (id: string) => asAdmin().patch(`/admin/clients/${id}`, { client_name: 'x' })],
      ['DELETE', (id: string) => asAdmin().delete(`/admin/clients/${id}`)],
      ['POST secret', (id: string) => asAdmin().post(`/admin/clients/${id}/secret`)],
    ])('%s answers 404 for an unknown client_id', async (_method, send) => {
      for (const id of [
        'no-such-client',
        'x'.repeat(300),
        encodeURIComponent('é/..'),
        'nul%00byte',
      ]) {
        const response = await send(id);
        expect(response.status).toBe(404);
        expect(response.body).toEqual(NOT_FOUND);
      }
    });
  });

  describe('POST /admin/clients/{client_id}/secret', () => {
    it('rotates the secret: the new one works, the old one is refused at once', async () => {
      const created = await createClient({
        client_id: 'rotate-me',
        client_name: 'Rotate me',
        scope: 'pets:read',
      });
      t.clock.advanceSeconds(1);
      const response = await asAdmin().post('/admin/clients/rotate-me/secret');
      expect(response.status).toBe(200);
      const { client_secret: _old, ...rest } = created;
      expect(response.body).toEqual({
        ...rest,
        client_secret: expect.stringMatching(SECRET),
        client_secret_expires_at: 0,
        updatedAt: t.clock.now().toISOString(),
      });
      const fresh = (response.body as ClientBody).client_secret!;
      expect(fresh).not.toBe(created.client_secret);
      secretsIssued.add(fresh);

      const old = await clientCredentials('rotate-me', created.client_secret!);
      expect(old.status).toBe(401);
      expect(old.body).toEqual(INVALID_CLIENT);
      expect((await clientCredentials('rotate-me', fresh)).status).toBe(200);
      expectNoSecrets(await asAdmin().get('/admin/clients/rotate-me'));
    });

    it('answers 400 for a private_key_jwt client, which has no secret', async () => {
      await createClient({
        client_id: 'no-secret',
        client_name: 'No secret',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [rsaJwk] },
        scope: 'pets:read',
      });
      const response = await asAdmin().post('/admin/clients/no-secret/secret');
      expect(response.status).toBe(400);
      expect(response.body).toEqual(
        apiError(
          400,
          'invalid_request',
          'This client authenticates with private_key_jwt and has no secret',
        ),
      );
    });
  });

  describe('access', () => {
    const routes: [string, (as: ReturnType<typeof withToken>) => request.Test][] = [
      [
        'POST /admin/clients',
        (as) => as.post('/admin/clients', { client_name: 'x', scope: 'pets:read' }),
      ],
      ['GET /admin/clients', (as) => as.get('/admin/clients')],
      ['GET /admin/clients/{id}', (as) => as.get('/admin/clients/partner-basic')],
      [
        'PATCH /admin/clients/{id}',
        (as) => as.patch('/admin/clients/partner-basic', { scope: 'admin' }),
      ],
      ['DELETE /admin/clients/{id}', (as) => as.delete('/admin/clients/partner-basic')],
      ['POST /admin/clients/{id}/secret', (as) => as.post('/admin/clients/partner-basic/secret')],
    ];

    it.each(routes)('%s answers 403 to a token without the admin scope', async (_route, send) => {
      const user = await createUserToken(t, admin, 'pets:read pets:write pets:delete pets:adopt');
      const response = expectNoSecrets(await send(withToken(user.token)));
      expect(response.status).toBe(403);
      expect(response.headers['www-authenticate']).toBe(
        'Bearer error="insufficient_scope", scope="admin"',
      );
      expect(response.body).toEqual(
        apiError(403, 'insufficient_scope', 'This request needs the scope: admin'),
      );
    });

    it.each(routes)(
      '%s answers 403 to a client token without the admin scope',
      async (_route, send) => {
        const client = await createClient({ client_name: 'Reader', scope: 'pets:read' });
        const token = await clientCredentials(client.client_id, client.client_secret!);
        const response = await send(
          withToken((token.body as { access_token: string }).access_token),
        );
        expect(response.status).toBe(403);
      },
    );

    it.each(routes)('%s answers 401 without a token', async (_route, send) => {
      const response = await send(withToken(undefined));
      expect(response.status).toBe(401);
      expect(response.body).toEqual(apiError(401, 'unauthorized', 'An access token is required'));
    });

    it('the partner-basic client was left untouched by the refused requests', async () => {
      const response = await asAdmin().get('/admin/clients/partner-basic');
      expect(response.body).toMatchObject({ scope: 'pets:read' });
    });
  });
});
