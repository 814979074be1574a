import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { decodeJwt } from 'jose';
import { DataSource } from 'typeorm';
import { ClientAuthenticationService } from '../src/clients/authentication/client-authentication.service';
import { Client } from '../src/clients/client.entity';
import { OAuthError } from '../src/common/errors/signet.errors';
import { createTestApp, TestApp } from './support/app';
import { loginAsAdmin } from './support/auth';
import { apiError, oauthError } from './support/errors';
import {
  assertionClaims,
  generatePartnerKey,
  hmacAssertion,
  JWT_BEARER,
  jwksOf,
  JwksAnswer,
  PartnerAlg,
  PartnerJwksServer,
  PartnerKey,
  signAssertion,
  unsignedAssertion,
} from './support/partner';

const INVALID_CLIENT = oauthError('invalid_client', 'Client authentication failed');

type Form = Record<string, string>;

/** Registers clients and asks for tokens on one test app. */
function partnerApi(t: () => TestApp, admin: () => string) {
  let counter = 0;
  const api = {
    async register(metadata: Record<string, unknown>): Promise<string> {
      const clientId = `partner-${++counter}`;
      const response = await t()
        .http()
        .post('/admin/clients')
        .set('Authorization', `Bearer ${admin()}`)
        .send({ client_id: clientId, client_name: 'Partner', scope: 'pets:read', ...metadata });
      expect(response.status).toBe(201);
      return clientId;
    },
    registerWithKeys: (...keys: PartnerKey[]) =>
      api.register({ token_endpoint_auth_method: 'private_key_jwt', jwks: jwksOf(...keys) }),
    registerWithJwksUri: (jwksUri: string) =>
      api.register({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: jwksUri }),
    token: (form: Form, basic?: [string, string]) => {
      const call = t().http().post('/oauth/token').type('form');
      return (basic ? call.auth(...basic) : call).send(form);
    },
    /** The response, and the private reason (logs, metrics) its client authentication failed for. */
    async tokenWithReason(form: Form) {
      const spy = jest.spyOn(t().app.get(ClientAuthenticationService), 'authenticate');
      try {
        const response = await api.token(form);
        const outcome = await (spy.mock.results[0]?.value as Promise<unknown>).then(
          () => undefined,
          (error: unknown) => error,
        );
        return { response, reason: outcome instanceof OAuthError ? outcome.reason : undefined };
      } finally {
        spy.mockRestore();
      }
    },
    withAssertion: (assertion: string, extra: Form = {}): Form => ({
      grant_type: 'client_credentials',
      client_assertion_type: JWT_BEARER,
      client_assertion: assertion,
      ...extra,
    }),
  };
  return api;
}

const claimsOf = (response: { body: unknown }) =>
  decodeJwt((response.body as { access_token: string }).access_token);

describe('private_key_jwt client authentication (RFC 7523, CONTRACT §6)', () => {
  let t: TestApp;
  let admin: string;
  const api = partnerApi(
    () => t,
    () => admin,
  );
  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAsAdmin(t);
  });
  afterAll(() => t.close({ drop: true }));

  it.each<PartnerAlg>(['PS256', 'RS256', 'ES256', 'EdDSA'])(
    'issues a token for a %s assertion, with sub = client_id',
    async (alg) => {
      const key = await generatePartnerKey(alg);
      const clientId = await api.registerWithKeys(key);
      const assertion = await signAssertion(key, assertionClaims(t, clientId));
      const response = await api.token(api.withAssertion(assertion));
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 900,
        scope: 'pets:read',
      });
      expect(claimsOf(response)).toMatchObject({
        iss: 'http://signet.test',
        sub: clientId,
        client_id: clientId,
        aud: 'pets-api',
        scope: 'pets:read',
      });
    },
  );

  it('accepts the issuer as the audience, and a matching client_id form field', async () => {
    const key = await generatePartnerKey('ES256');
    const clientId = await api.registerWithKeys(key);
    const claims = assertionClaims(t, clientId, { aud: 'http://signet.test' });
    const response = await api.token(
      api.withAssertion(await signAssertion(key, claims), { client_id: clientId }),
    );
    expect(response.status).toBe(200);
    expect(claimsOf(response).sub).toBe(clientId);
  });

  describe('refuses with 401 invalid_client', () => {
    let key: PartnerKey;
    let clientId: string;
    let secretClientId: string;
    beforeAll(async () => {
      key = await generatePartnerKey('PS256', 'partner-key-1');
      clientId = await api.registerWithKeys(key);
      secretClientId = await api.register({ token_endpoint_auth_method: 'client_secret_basic' });
    });
    const sign = (overrides: Record<string, unknown> = {}, header = {}) =>
      signAssertion(key, assertionClaims(t, clientId, overrides), header);
    const now = () => t.clock.nowSeconds();

    // Each refusal is the same to the client; the private reason shows which rule refused it.
    const cases: [string, string, () => string | Form | Promise<string | Form>][] = [
      [
        'a replayed assertion (same jti twice)',
        'assertion_replayed',
        async () => {
          const assertion = await sign();
          expect((await api.token(api.withAssertion(assertion))).status).toBe(200);
          return assertion;
        },
      ],
      [
        'a wrong audience',
        'assertion_claims',
        () => sign({ aud: 'http://signet.test/oauth/introspect' }),
      ],
      [
        'another server as audience',
        'assertion_claims',
        () => sign({ aud: 'https://elsewhere.example/token' }),
      ],
      [
        'an expired assertion',
        'assertion_expired',
        () => sign({ iat: now() - 400, exp: now() - 61 }),
      ],
      ['exp more than 5 minutes ahead', 'assertion_exp_too_far', () => sign({ exp: now() + 3600 })],
      [
        'exp just past 5 minutes and the skew',
        'assertion_exp_too_far',
        () => sign({ exp: now() + 300 + 60 + 1 }),
      ],
      [
        'iat in the future beyond the skew',
        'assertion_iat_future',
        () => sign({ iat: now() + 61, exp: now() + 200 }),
      ],
      ['nbf in the future beyond the skew', 'assertion_claims', () => sign({ nbf: now() + 61 })],
      ['iss different from sub', 'assertion_malformed', () => sign({ iss: secretClientId })],
      ['no sub', 'assertion_malformed', () => sign({ sub: undefined })],
      ['no jti', 'assertion_claims', () => sign({ jti: undefined })],
      ['an empty jti', 'assertion_jti', () => sign({ jti: '' })],
      ['no exp', 'assertion_claims', () => sign({ exp: undefined })],
      // PostgreSQL refuses NUL in text: it must never reach a query (that would be a 500).
      ['a jti with a NUL byte', 'assertion_jti', () => sign({ jti: 'a\u0000b' })],
      [
        'a client_id with a NUL byte',
        'client_unknown',
        () => signAssertion(key, assertionClaims(t, `${clientId}\u0000`)),
      ],
      [
        'an HS256 assertion keyed with the public JWK',
        'assertion_alg',
        () => hmacAssertion(assertionClaims(t, clientId), key.kid, JSON.stringify(key.publicJwk)),
      ],
      [
        'an HS256 assertion keyed with the client_id',
        'assertion_alg',
        () => hmacAssertion(assertionClaims(t, clientId), key.kid, clientId),
      ],
      ['alg none', 'assertion_alg', () => unsignedAssertion(assertionClaims(t, clientId), key.kid)],
      [
        'an assertion signed by an unregistered key with the registered kid',
        'assertion_signature',
        async () =>
          signAssertion(await generatePartnerKey('PS256', key.kid), assertionClaims(t, clientId)),
      ],
      [
        'an assertion with an unknown kid',
        'assertion_key_unknown',
        async () => signAssertion(await generatePartnerKey('PS256'), assertionClaims(t, clientId)),
      ],
      [
        'an unregistered key embedded in the header (jwk) under the registered kid',
        'assertion_signature',
        async () => {
          const attacker = await generatePartnerKey('PS256', key.kid);
          return signAssertion(attacker, assertionClaims(t, clientId), {
            jwk: attacker.publicJwk,
          });
        },
      ],
      [
        'an assertion from a client registered with client_secret_basic',
        'auth_method_mismatch',
        () => signAssertion(key, assertionClaims(t, secretClientId)),
      ],
      [
        'an unknown client',
        'client_unknown',
        () => signAssertion(key, assertionClaims(t, 'no-such-client')),
      ],
      [
        'a client_id form field naming another client',
        'assertion_malformed',
        async () => api.withAssertion(await sign(), { client_id: secretClientId }),
      ],
      [
        'a partner-signed JWT typed at+jwt',
        'assertion_malformed',
        () => sign({}, { typ: 'at+jwt' }),
      ],
      [
        "a Signet access token (typ at+jwt) of the client's own",
        'assertion_malformed',
        async () => {
          const issued = await api.token(api.withAssertion(await sign()));
          return (issued.body as { access_token: string }).access_token;
        },
      ],
      ['an empty assertion', 'assertion_size', () => ''],
      ['an assertion that is not a JWT', 'assertion_malformed', () => 'not.a.jwt'],
      [
        'an assertion longer than 8 KB',
        'assertion_size',
        () => sign({ padding: 'x'.repeat(9000) }),
      ],
    ];

    it.each(cases)('%s (%s)', async (_rule, reason, make) => {
      const made = await make();
      const form = typeof made === 'string' ? api.withAssertion(made) : made;
      const outcome = await api.tokenWithReason(form);
      expect(outcome.response.status).toBe(401);
      expect(outcome.response.body).toEqual(INVALID_CLIENT);
      expect(outcome.response.headers['www-authenticate']).toBeUndefined();
      expect(outcome.reason).toBe(reason);
    });
  });

  describe('a client with several keys', () => {
    it.each([
      ['inline', 'no kid', { kid: undefined }],
      ['inline', 'a kid', {}],
    ])(
      'accepts an assertion (%s JWK Set, %s) signed by any of its keys',
      async (_where, _kid, header) => {
        const first = await generatePartnerKey('ES256');
        const second = await generatePartnerKey('ES256');
        const clientId = await api.registerWithKeys(first, second);
        for (const key of [first, second]) {
          const assertion = await signAssertion(key, assertionClaims(t, clientId), header);
          const outcome = await api.tokenWithReason(api.withAssertion(assertion));
          expect(outcome.reason).toBeUndefined();
          expect(outcome.response.status).toBe(200);
        }
      },
    );

    it('refuses an assertion without a kid that none of its keys signed', async () => {
      const clientId = await api.registerWithKeys(
        await generatePartnerKey('ES256'),
        await generatePartnerKey('ES256'),
      );
      const stranger = await generatePartnerKey('ES256');
      const assertion = await signAssertion(stranger, assertionClaims(t, clientId), {
        kid: undefined,
      });
      const outcome = await api.tokenWithReason(api.withAssertion(assertion));
      expect(outcome.response.status).toBe(401);
      expect(outcome.response.body).toEqual(INVALID_CLIENT);
      expect(outcome.reason).toBe('assertion_signature');
    });
  });

  it('uses new keys at once after PATCH replaces the jwks', async () => {
    const oldKey = await generatePartnerKey('ES256');
    const newKey = await generatePartnerKey('ES256');
    const clientId = await api.registerWithKeys(oldKey);
    const tokenWith = async (key: PartnerKey) =>
      (await api.token(api.withAssertion(await signAssertion(key, assertionClaims(t, clientId)))))
        .status;
    expect(await tokenWith(oldKey)).toBe(200);
    const patched = await t
      .http()
      .patch(`/admin/clients/${clientId}`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ jwks: jwksOf(newKey) });
    expect(patched.status).toBe(200);
    expect(await tokenWith(newKey)).toBe(200);
    expect(await tokenWith(oldKey)).toBe(401);
  });

  describe('jti: accepted once', () => {
    let key: PartnerKey;
    let clientId: string;
    beforeAll(async () => {
      key = await generatePartnerKey('ES256');
      clientId = await api.registerWithKeys(key);
    });

    it('accepts one of two concurrent requests with the same assertion', async () => {
      const form = api.withAssertion(await signAssertion(key, assertionClaims(t, clientId)));
      const responses = await Promise.all([api.token(form), api.token(form), api.token(form)]);
      expect(responses.map((r) => r.status).sort()).toEqual([200, 401, 401]);
    });

    it('accepts each of many concurrent assertions once, refusing their replays sent with them', async () => {
      // On SQLite, jtis that arrive together are recorded in one statement (group commit).
      const assertions = await Promise.all(
        Array.from({ length: 12 }, () => signAssertion(key, assertionClaims(t, clientId))),
      );
      const sent = [...assertions, ...assertions.slice(0, 6)];
      const responses = await Promise.all(sent.map((a) => api.token(api.withAssertion(a))));
      const statusesOf = (assertion: string) =>
        responses
          .filter((_, i) => sent[i] === assertion)
          .map((r) => r.status)
          .sort();
      for (const [i, assertion] of assertions.entries()) {
        expect(statusesOf(assertion)).toEqual(i < 6 ? [200, 401] : [200]);
      }
    });

    it('does not use up the jti of a refused assertion', async () => {
      const jti = 'refused-then-fine';
      const wrongAud = assertionClaims(t, clientId, { jti, aud: 'https://elsewhere.example' });
      expect((await api.token(api.withAssertion(await signAssertion(key, wrongAud)))).status).toBe(
        401,
      );
      const fine = await signAssertion(key, assertionClaims(t, clientId, { jti }));
      expect((await api.token(api.withAssertion(fine))).status).toBe(200);
    });

    it('keeps jtis per client', async () => {
      const other = await generatePartnerKey('ES256');
      const otherId = await api.registerWithKeys(other);
      const jti = 'same-jti-two-clients';
      for (const [k, id] of [
        [key, clientId],
        [other, otherId],
      ] as const) {
        const assertion = await signAssertion(k, assertionClaims(t, id, { jti }));
        expect((await api.token(api.withAssertion(assertion))).status).toBe(200);
      }
    });

    it('forgets used jtis once their assertions have expired', async () => {
      const dataSource = t.app.get(DataSource);
      const count = async () =>
        Number(
          (await dataSource.query<{ n: string }[]>('SELECT count(*) AS n FROM used_assertions'))[0]
            .n,
        );
      const first = await signAssertion(key, assertionClaims(t, clientId));
      expect((await api.token(api.withAssertion(first))).status).toBe(200);
      expect(await count()).toBeGreaterThan(0);
      t.clock.advanceSeconds(3600);
      // The admin token expired with the move; later tests need a fresh one.
      admin = await loginAsAdmin(t);
      const later = await signAssertion(key, assertionClaims(t, clientId));
      expect((await api.token(api.withAssertion(later))).status).toBe(200);
      expect(await count()).toBe(1);
    });
  });

  describe('malformed requests', () => {
    let key: PartnerKey;
    let clientId: string;
    beforeAll(async () => {
      key = await generatePartnerKey('EdDSA');
      clientId = await api.registerWithKeys(key);
    });

    it('answers 400 invalid_request to a wrong client_assertion_type', async () => {
      const assertion = await signAssertion(key, assertionClaims(t, clientId));
      const response = await api.token(
        api.withAssertion(assertion, {
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer',
        }),
      );
      expect(response.status).toBe(400);
      expect(response.body).toEqual(
        oauthError('invalid_request', `client_assertion_type must be ${JWT_BEARER}`),
      );
    });

    it.each<[string, Form, [string, string] | undefined]>([
      ['a client_secret', { client_secret: 'something' }, undefined],
      ['Basic credentials', {}, ['someone', 'something']],
    ])('answers 400 invalid_request to an assertion plus %s', async (_what, extra, basic) => {
      const assertion = await signAssertion(key, assertionClaims(t, clientId));
      const response = await api.token(api.withAssertion(assertion, extra), basic);
      expect(response.status).toBe(400);
      expect(response.body).toEqual(
        oauthError('invalid_request', 'Use exactly one client authentication method'),
      );
    });

    it('answers a 1 MB assertion with a quick 4xx', async () => {
      const started = performance.now();
      const response = await api.token(api.withAssertion('a'.repeat(1024 * 1024)));
      expect(performance.now() - started).toBeLessThan(1000);
      expect(response.status).toBe(413);
      expect(response.body).toEqual(
        oauthError('payload_too_large', 'The request body is larger than 65536 bytes'),
      );
    });
  });
});

describe('private_key_jwt with a jwks_uri (CONTRACT §6, issue 3)', () => {
  let t: TestApp;
  let admin: string;
  let partner: PartnerJwksServer;
  const api = partnerApi(
    () => t,
    () => admin,
  );
  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAsAdmin(t);
    partner = await new PartnerJwksServer().start();
  });
  afterAll(async () => {
    await partner.close();
    await t.close({ drop: true });
  });
  afterEach(() => jest.useRealTimers());

  it('fetches the keys once and caches them', async () => {
    const key = await generatePartnerKey('RS256');
    partner.serve({ kind: 'keys', keys: [key] });
    const clientId = await api.registerWithJwksUri(partner.jwksUri);
    const before = partner.fetchCount;
    for (let i = 0; i < 2; i++) {
      const assertion = await signAssertion(key, assertionClaims(t, clientId));
      const response = await api.token(api.withAssertion(assertion));
      expect(response.status).toBe(200);
      expect(claimsOf(response).sub).toBe(clientId);
    }
    expect(partner.fetchCount - before).toBe(1);
  });

  it('follows a key rotation at the partner, refetching on an unknown kid at most every 10 s', async () => {
    const oldKey = await generatePartnerKey('PS256');
    const newKey = await generatePartnerKey('PS256');
    partner.serve({ kind: 'keys', keys: [oldKey] });
    const clientId = await api.registerWithJwksUri(partner.jwksUri);
    const tokenWith = async (key: PartnerKey) =>
      (await api.token(api.withAssertion(await signAssertion(key, assertionClaims(t, clientId)))))
        .status;
    const before = partner.fetchCount;
    expect(await tokenWith(oldKey)).toBe(200);

    partner.serve({ kind: 'keys', keys: [newKey] });
    // Within jose's cooldown (real time), an unknown kid does not trigger another fetch.
    expect(await tokenWith(newKey)).toBe(401);
    expect(partner.fetchCount - before).toBe(1);

    // Only Date is faked: jose's cooldown reads Date.now(); timers and I/O stay real.
    jest.useFakeTimers({
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ],
      now: Date.now() + 11_000,
    });
    expect(await tokenWith(newKey)).toBe(200);
    expect(partner.fetchCount - before).toBe(2);
    expect(await tokenWith(oldKey)).toBe(401);
    expect(partner.fetchCount - before).toBe(2);
  });

  it('accepts an assertion without a kid while the partner publishes two keys', async () => {
    const oldKey = await generatePartnerKey('ES256');
    const newKey = await generatePartnerKey('ES256');
    partner.serve({ kind: 'keys', keys: [oldKey, newKey] });
    const clientId = await api.registerWithJwksUri(partner.jwksUri);
    const assertion = await signAssertion(newKey, assertionClaims(t, clientId), {
      kid: undefined,
    });
    expect((await api.token(api.withAssertion(assertion))).status).toBe(200);
  });

  it('uses the new key at once when the partner rotated before the first use', async () => {
    const oldKey = await generatePartnerKey('ES256');
    const newKey = await generatePartnerKey('ES256');
    partner.serve({ kind: 'keys', keys: [oldKey] });
    const clientId = await api.registerWithJwksUri(partner.jwksUri);
    partner.serve({ kind: 'keys', keys: [oldKey, newKey] });
    const assertion = await signAssertion(newKey, assertionClaims(t, clientId));
    expect((await api.token(api.withAssertion(assertion))).status).toBe(200);
  });

  it('refuses quickly when the jwks_uri speaks plain http to an https request', async () => {
    const key = await generatePartnerKey('ES256');
    partner.serve({ kind: 'keys', keys: [key] });
    const clientId = await api.registerWithJwksUri(partner.jwksUri.replace('http:', 'https:'));
    const started = performance.now();
    const { response, reason } = await api.tokenWithReason(
      api.withAssertion(await signAssertion(key, assertionClaims(t, clientId))),
    );
    expect(performance.now() - started).toBeLessThan(3000);
    expect(response.status).toBe(401);
    expect(response.body).toEqual(INVALID_CLIENT);
    expect(reason).toBe('jwks_uri_unavailable');
  });

  describe('a bad answer is a quick 401 invalid_client, never a 500', () => {
    let key: PartnerKey;
    beforeAll(async () => {
      key = await generatePartnerKey('ES256');
      partner.serveAtRedirectTarget([key]);
    });

    // A well-formed JWK Set is cached even when no key in it is usable: the next try
    // waits for jose's cooldown. Every other bad answer leaves nothing cached.
    const UNAVAILABLE = 'jwks_uri_unavailable';
    const cases: [string, () => JwksAnswer, string, 'retries at once' | 'cached'][] = [
      ['status 500', () => ({ kind: 'status', status: 500 }), UNAVAILABLE, 'retries at once'],
      ['status 404', () => ({ kind: 'status', status: 404 }), UNAVAILABLE, 'retries at once'],
      [
        'a 302 redirect to a valid JWKS',
        () => ({ kind: 'redirect', location: `${partner.origin}/valid.json` }),
        UNAVAILABLE,
        'retries at once',
      ],
      ['garbage (not JSON)', () => ({ kind: 'garbage' }), UNAVAILABLE, 'retries at once'],
      [
        'JSON without keys',
        () => ({ kind: 'json', body: { hello: 'world' } }),
        UNAVAILABLE,
        'retries at once',
      ],
      ['a JSON array', () => ({ kind: 'json', body: [] }), UNAVAILABLE, 'retries at once'],
      [
        'keys that are not JWKs',
        () => ({ kind: 'json', body: { keys: [{ kty: 'nope' }] } }),
        'assertion_key_unknown',
        'cached',
      ],
      ['a body over 64 KB', () => ({ kind: 'huge', keys: [key] }), UNAVAILABLE, 'retries at once'],
      [
        'no answer at all (2 s timeout)',
        () => ({ kind: 'hang' }),
        'jwks_uri_timeout',
        'retries at once',
      ],
      [
        'headers, then a body that never ends',
        () => ({ kind: 'hang-body' }),
        'jwks_uri_timeout',
        'retries at once',
      ],
    ];

    it.each(cases)('%s', async (_what, answer, reason, afterwards) => {
      partner.serve(answer());
      const clientId = await api.registerWithJwksUri(partner.jwksUri);
      const assertion = await signAssertion(key, assertionClaims(t, clientId));
      const requestsBefore = partner.requests.length;
      const started = performance.now();
      const { response, reason: refusedFor } = await api.tokenWithReason(
        api.withAssertion(assertion),
      );
      expect(performance.now() - started).toBeLessThan(3000);
      expect(response.status).toBe(401);
      expect(response.body).toEqual(INVALID_CLIENT);
      expect(refusedFor).toBe(reason);
      // No redirect is followed.
      expect(partner.requests.slice(requestsBefore)).toEqual(['/jwks.json']);

      // Once the partner is fixed, the next try fetches again and works.
      partner.serve({ kind: 'keys', keys: [key] });
      const retry = await signAssertion(key, assertionClaims(t, clientId));
      const expected = afterwards === 'retries at once' ? 200 : 401;
      expect((await api.token(api.withAssertion(retry))).status).toBe(expected);
    });
  });
});

describe('jwks_uri at a cloud-metadata address', () => {
  let t: TestApp;
  let admin: string;
  const api = partnerApi(
    () => t,
    () => admin,
  );
  beforeAll(async () => {
    t = await createTestApp({ config: { jwksUriAllowHttp: true } });
    admin = await loginAsAdmin(t);
  });
  afterAll(() => t.close({ drop: true }));
  afterEach(() => jest.restoreAllMocks());

  it.each([
    'http://169.254.169.254/latest/meta-data/jwks.json',
    'http://[::ffff:169.254.169.254]/jwks.json',
    'http://[fe80::1]/jwks.json',
    'http://0.0.0.0/jwks.json',
    'https://169.254.169.254/jwks.json',
  ])('refuses to register %s', async (jwksUri) => {
    const response = await t
      .http()
      .post('/admin/clients')
      .set('Authorization', `Bearer ${admin}`)
      .send({
        client_name: 'Metadata thief',
        scope: 'pets:read',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: jwksUri,
      });
    expect(response.status).toBe(400);
    expect(response.body).toEqual(
      apiError(
        400,
        'invalid_client_metadata',
        'jwks_uri must not point at a link-local or cloud-metadata address',
      ),
    );
  });

  it('never connects to it for a client stored with one: 401 invalid_client', async () => {
    const key = await generatePartnerKey('ES256');
    const clientId = await api.registerWithKeys(key);
    // A client from before the registration check, or edited in the database.
    await t.app
      .get(DataSource)
      .createQueryBuilder()
      .update(Client)
      .set({ jwks: null, jwksUri: 'http://169.254.169.254/latest/meta-data/jwks.json' })
      .where({ clientId })
      .execute();
    const connect = jest.spyOn(http, 'request');
    const started = performance.now();
    const { response, reason } = await api.tokenWithReason(
      api.withAssertion(await signAssertion(key, assertionClaims(t, clientId))),
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(response.status).toBe(401);
    expect(response.body).toEqual(INVALID_CLIENT);
    expect(reason).toBe('jwks_uri_unavailable');
    const toMetadata = connect.mock.calls.filter(([target]) => String(target).includes('169.254'));
    expect(toMetadata).toEqual([]);
  });
});
