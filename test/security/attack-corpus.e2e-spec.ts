import {
  createHmac,
  createPublicKey,
  createSign,
  generateKeyPairSync,
  randomUUID,
} from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { CompactSign, exportJWK } from 'jose';
import { KeyStore } from '../../src/keys/key-store.service';
import { KeysRepository } from '../../src/keys/keys.repository';
import { createTestApp, TestApp } from '../support/app';
import { loginAsAdmin } from '../support/auth';
import { signWithServerKey, validClaims } from '../support/tokens';

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const raw = (text: string): string => Buffer.from(text).toString('base64url');

/** RFC 8725 and the known JWT library failures: every token here must be refused with 401. */
describe('attack corpus (RFC 8725)', () => {
  let t: TestApp;
  let valid: string;
  let kid: string;
  let publicPem: string;
  let publicDer: Buffer;
  let publicJwk: string;
  let fetched = 0;
  let trap: Server;
  let trapUrl: string;

  beforeAll(async () => {
    t = await createTestApp();
    valid = await loginAsAdmin(t);
    const key = await t.app.get(KeyStore).signingKey();
    kid = key.kid;
    const publicKey = createPublicKey(key.privateKey);
    publicPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    publicDer = publicKey.export({ format: 'der', type: 'spki' });
    publicJwk = JSON.stringify(key.publicJwk);
    // A server that must never be asked anything: jku / x5u point here.
    trap = createServer((_request, response) => {
      fetched++;
      response.end('{"keys":[]}');
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(async () => {
    await new Promise((resolve) => trap.close(resolve));
    await t.close({ drop: true });
  });

  const me = (token: string) => t.http().get('/auth/me').set('Authorization', `Bearer ${token}`);
  const unsigned = (header: Record<string, unknown>, claims = validClaims(t)): string =>
    `${encode(header)}.${encode(claims)}.`;
  const hmac = (alg: 'HS256' | 'HS384' | 'HS512', secret: string | Buffer): string => {
    const input = `${encode({ alg, kid, typ: 'at+jwt' })}.${encode(validClaims(t, { scope: 'admin' }))}`;
    const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg];
    return `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`;
  };
  const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const attackerSigned = async (header: Record<string, unknown>): Promise<string> =>
    new CompactSign(Buffer.from(JSON.stringify(validClaims(t, { scope: 'admin' }))))
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', ...header })
      .sign(attacker.privateKey);
  const segments = (token: string): string[] => token.split('.');

  const corpus: [string, () => Promise<string> | string][] = [
    ...['none', 'None', 'NONE', 'nOnE'].map((alg): [string, () => string] => [
      `alg ${alg}`,
      () => unsigned({ alg, kid, typ: 'at+jwt' }),
    ]),
    ['alg none with a signature', () => `${unsigned({ alg: 'none', kid, typ: 'at+jwt' })}c2ln`],
    ['HS256 keyed with the public key as PEM', () => hmac('HS256', publicPem)],
    ['HS384 keyed with the public key as PEM', () => hmac('HS384', publicPem)],
    ['HS512 keyed with the public key as PEM', () => hmac('HS512', publicPem)],
    ['HS256 keyed with the public key as JWK', () => hmac('HS256', publicJwk)],
    ['HS256 keyed with the public key as DER', () => hmac('HS256', publicDer)],
    ['jku pointing elsewhere', () => attackerSigned({ kid, jku: trapUrl })],
    ['x5u pointing elsewhere', () => attackerSigned({ kid, x5u: trapUrl })],
    [
      'an embedded jwk',
      async () => attackerSigned({ kid, jwk: await exportJWK(attacker.publicKey) }),
    ],
    [
      'a foreign x5c',
      () => attackerSigned({ kid, x5c: [Buffer.from('not a certificate').toString('base64')] }),
    ],
    ['kid path traversal', () => attackerSigned({ kid: '../../../../etc/passwd' })],
    ['kid SQL injection', () => attackerSigned({ kid: "' OR '1'='1" })],
    ['kid as an object', () => attackerSigned({ kid: { $ne: null } })],
    ['kid of 4000 characters', () => attackerSigned({ kid: 'k'.repeat(4000) })],
    [
      'crit with an unknown extension (signed by the server key)',
      async () => {
        // jose refuses to sign such a header, so it is signed by hand.
        const header = { alg: 'RS256', kid, typ: 'at+jwt', crit: ['exp-ext'], 'exp-ext': 1 };
        const input = `${encode(header)}.${encode(validClaims(t))}`;
        const privateKey = (await t.app.get(KeyStore).signingKey()).privateKey;
        return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`;
      },
    ],
    [
      'b64 false',
      () => {
        const [, payload, signature] = segments(valid);
        return `${encode({ alg: 'RS256', kid, typ: 'at+jwt', b64: false, crit: ['b64'] })}.${payload}.${signature}`;
      },
    ],
    [
      'a duplicate alg member in the header',
      () => {
        const [, payload, signature] = segments(valid);
        return `${raw(`{"alg":"none","kid":"${kid}","typ":"at+jwt","alg":"RS256"}`)}.${payload}.${signature}`;
      },
    ],
    [
      'a duplicate scope member in the payload',
      () => {
        const [header, , signature] = segments(valid);
        const claims = JSON.stringify(validClaims(t)).replace(/}$/, ',"scope":"admin"}');
        return `${header}.${raw(claims)}.${signature}`;
      },
    ],
    [
      'a spliced signature from another token',
      async () => {
        const other = await signWithServerKey(t, validClaims(t, { scope: 'admin' }));
        return `${segments(valid).slice(0, 2).join('.')}.${segments(other)[2]}`;
      },
    ],
    ['base64 padding', () => `${valid}==`],
    ['the standard base64 alphabet', () => valid.replace(/-/g, '+').replace(/_/g, '/')],
    [
      'a JWE-shaped token',
      () => `${encode({ alg: 'RSA-OAEP', enc: 'A256GCM', kid })}.a2V5.aXY.Y2lwaGVy.dGFn`,
    ],
    ['an oversized token', () => `${valid}${'A'.repeat(9000)}`],
    [
      'a header that is not JSON',
      () => `${raw('not json')}.${segments(valid)[1]}.${segments(valid)[2]}`,
    ],
    [
      'a payload that is an array',
      () => signWithServerKey(t, ['admin'] as unknown as Record<string, unknown>),
    ],
  ];

  it.each(corpus)('refuses %s with 401 and never fetches anything', async (_name, mint) => {
    const started = Date.now();
    const response = await me(await mint());
    expect(response.status).toBe(401);
    expect((response.body as { error: string }).error).toBe('invalid_token');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(fetched).toBe(0);
  });

  it('answers a token larger than any header Node accepts with 431, fast', async () => {
    const started = Date.now();
    const response = await me(`${valid}${'A'.repeat(20_000)}`);
    expect(response.status).toBe(431);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  describe('tokens of one kind used as another', () => {
    let refreshToken: string;
    let clientAssertion: string;
    let introspectionJwt: string;
    beforeAll(async () => {
      const login = await t
        .http()
        .post('/auth/login')
        .send({ username: 'admin', password: 'admin-password-for-tests' });
      refreshToken = (login.body as { refresh_token: string }).refresh_token;
      const client = await t
        .http()
        .post('/admin/clients')
        .set('Authorization', `Bearer ${valid}`)
        .send({ client_name: 'gateway', scope: 'pets:read' })
        .expect(201);
      const { client_id, client_secret } = client.body as {
        client_id: string;
        client_secret: string;
      };
      const jwt = await t
        .http()
        .post('/oauth/introspect')
        .auth(client_id, client_secret)
        .set('Accept', 'application/token-introspection+jwt')
        .type('form')
        .send({ token: valid });
      introspectionJwt = jwt.text;
      clientAssertion = await new CompactSign(
        Buffer.from(
          JSON.stringify({
            iss: client_id,
            sub: client_id,
            aud: t.config.issuer,
            jti: randomUUID(),
            exp: t.clock.nowSeconds() + 60,
          }),
        ),
      )
        .setProtectedHeader({ alg: 'RS256', kid })
        .sign((await t.app.get(KeyStore).signingKey()).privateKey);
    });

    it.each([
      ['a refresh token', () => refreshToken],
      ['a client assertion (even one signed by the server key)', () => clientAssertion],
      ['an introspection JWT', () => introspectionJwt],
      [
        'an event token',
        () => signWithServerKey(t, validClaims(t, { scope: 'adoptions:process' })),
      ],
    ])('refuses %s as an access token', async (_name, token) => {
      const response = await me(await token());
      expect(response.status).toBe(401);
    });
  });

  it('does not reload the key set for every random kid (reloads are rate-limited)', async () => {
    const loads = jest.spyOn(t.app.get(KeysRepository), 'findPublished');
    const started = Date.now();
    for (let i = 0; i < 100; i++) {
      expect((await me(await attackerSigned({ kid: `random-${i}-${randomUUID()}` }))).status).toBe(
        401,
      );
    }
    const seconds = (Date.now() - started) / 1000;
    expect(loads.mock.calls.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    loads.mockRestore();
  });

  it('still accepts the valid token it started from', async () => {
    expect((await me(valid)).status).toBe(200);
  });
});
