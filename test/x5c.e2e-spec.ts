import { createRemoteJWKSet, decodeProtectedHeader, exportJWK, jwtVerify } from 'jose';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  createJwksVerifier,
  createX5cVerifier,
  parseTrustAnchors,
  VerifierResult,
} from '../src/verifier/index';
import { KeyRotationService } from '../src/keys/key-rotation.service';
import { KeyStore } from '../src/keys/key-store.service';
import { x509 } from '../src/verifier/x509';
import { createTestApp, TestApp } from './support/app';
import { loginAsAdmin } from './support/auth';
import { apiError } from './support/errors';
import {
  exportPkcs12,
  listen,
  makeChain,
  pemParser,
  signWithKey,
  trustAnchorsOf,
} from './support/pki';
import { signWithServerKey, validClaims } from './support/tokens';

interface PublishedKey {
  kid: string;
  kty: string;
  x5c?: string[];
  'x5t#S256'?: string;
}

type Header = { kid?: string; x5c?: string[]; jwk?: PublishedKey & { x5c?: string[] } };

const headerOf = (token: string): Header => decodeProtectedHeader(token) as Header;

describe('certificate chains in tokens: TOKEN_HEADER_KEYS=x5c (CONTRACT §4, §11)', () => {
  let t: TestApp;
  let admin: string;
  let anchorsPem: string;
  beforeAll(async () => {
    t = await createTestApp({ config: { tokenHeaderKeys: 'x5c' } });
    admin = await loginAsAdmin(t);
    anchorsPem = await trustAnchorsOf(t, admin);
  });
  afterAll(() => t.close({ drop: true }));

  const jwks = async (): Promise<PublishedKey[]> =>
    ((await t.http().get('/.well-known/jwks.json')).body as { keys: PublishedKey[] }).keys;
  const x5cVerify = (token: string, extraAnchors: string[] = []): Promise<VerifierResult> =>
    createX5cVerifier({
      issuer: t.config.issuer,
      audience: t.config.audience,
      trustAnchors: parseTrustAnchors([anchorsPem, ...extraAnchors].join('\n')),
      now: () => t.clock.now(),
    })(token);
  const rejection = async (token: string, extraAnchors: string[] = []) => {
    const result = await x5cVerify(token, extraAnchors);
    return result.ok ? 'accepted' : result.reason;
  };

  it('publishes every key with x5c (leaf first, from the intermediate) and x5t#S256', async () => {
    const keys = await jwks();
    expect(keys).toHaveLength(2);
    const [root] = parseTrustAnchors(anchorsPem);
    for (const key of keys) {
      expect(key.x5c).toHaveLength(2);
      const [leaf, intermediate] = key.x5c!.map((c) => new x509.X509Certificate(c));
      expect(key['x5t#S256']).toBe(
        createHash('sha256').update(Buffer.from(key.x5c![0], 'base64')).digest('base64url'),
      );
      expect(leaf.subject).toContain(t.config.issuer);
      expect(leaf.subject).toContain(key.kid);
      expect(leaf.issuer).toBe(intermediate.subject);
      expect(intermediate.issuer).toBe(root.subject);
      expect(await leaf.verify({ publicKey: intermediate, signatureOnly: true })).toBe(true);
      expect(await intermediate.verify({ publicKey: root, signatureOnly: true })).toBe(true);
      expect(leaf.getExtension(x509.KeyUsagesExtension)?.usages).toBe(
        x509.KeyUsageFlags.digitalSignature,
      );
      expect(leaf.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false);
      expect(intermediate.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(true);
      const leafJwk = await exportJWK(await leaf.publicKey.export());
      expect(leafJwk.n ?? leafJwk.x).toBe((key as unknown as { n?: string; x?: string }).n);
      expect(leaf.notAfter.getTime()).toBeGreaterThan(Date.now() + 365 * 24 * 3600 * 1000);
    }
  });

  it('serves the trust anchors as PEM to admins only', async () => {
    const response = await t
      .http()
      .get('/admin/pki/trust-anchors')
      .set('Authorization', `Bearer ${admin}`)
      .buffer(true)
      .parse(pemParser);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/x-pem-file/);
    const anchors = parseTrustAnchors(response.body as string);
    expect(anchors).toHaveLength(1);
    expect(anchors[0].subject).toBe(anchors[0].issuer);
    expect(anchors[0].getExtension(x509.BasicConstraintsExtension)?.ca).toBe(true);
    expect((await t.http().get('/admin/pki/trust-anchors')).status).toBe(401);
  });

  it('puts the signing chain into the token header, next to kid', async () => {
    const header = headerOf(admin);
    const active = (await jwks()).find((k) => k.kid === header.kid)!;
    expect(header).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: active.kid, x5c: active.x5c });
  });

  it('verifies a token with only the trust anchors (no JWKS, no network)', async () => {
    const result = await x5cVerify(admin);
    expect(result).toEqual({
      ok: true,
      claims: expect.objectContaining({ iss: t.config.issuer, username: 'admin' }),
      header: expect.objectContaining({ x5c: expect.any(Array) }),
    });
  });

  it('is accepted by the server itself (the guard verifies by kid)', async () => {
    const response = await t.http().get('/auth/me').set('Authorization', `Bearer ${admin}`);
    expect(response.status).toBe(200);
  });

  it('verifies the same token with jose directly from the JWKS, and with the JWKS verifier', async () => {
    const jwksUri = await listen(t);
    const { payload } = await jwtVerify(admin, createRemoteJWKSet(new URL(jwksUri)), {
      issuer: t.config.issuer,
      audience: t.config.audience,
      typ: 'at+jwt',
      currentDate: t.clock.now(),
    });
    expect(payload.username).toBe('admin');
    const verify = createJwksVerifier({
      issuer: t.config.issuer,
      audience: t.config.audience,
      jwksUri,
      now: () => t.clock.now(),
    });
    expect(await verify(admin)).toEqual(expect.objectContaining({ ok: true }));
    expect(await verify(await signWithServerKey(t, validClaims(t), { kid: 'nope' }))).toEqual({
      ok: false,
      reason: 'kid_unknown',
    });
  });

  it.each<[string, string, (t: TestApp) => Promise<[string, string[]?]>]>([
    [
      'a self-signed attacker chain',
      'untrusted_root',
      async (t) => {
        const attacker = await makeChain({ name: 'Mallory', includeRoot: true });
        return [await signWithKey(validClaims(t), attacker.leafKey, { x5c: attacker.x5c })];
      },
    ],
    [
      'an attacker leaf naming Signet intermediate as its issuer',
      'certificate_signature_invalid',
      async (t) => {
        const [intermediate] = (headerOf(admin).x5c ?? []).slice(1);
        const name = new x509.X509Certificate(intermediate).subject;
        const attacker = await makeChain({ name: 'Mallory', leafIssuerName: name });
        return [
          await signWithKey(validClaims(t), attacker.leafKey, {
            x5c: [attacker.x5c[0], intermediate],
          }),
        ];
      },
    ],
    [
      'another Signet key certificate swapped in as the leaf',
      'signature_invalid',
      async (t) => {
        const next = (await jwks()).find((k) => k.kid !== headerOf(admin).kid)!;
        return [await signWithServerKey(t, validClaims(t), { x5c: next.x5c })];
      },
    ],
    [
      'an expired leaf',
      'certificate_expired',
      async (t) => {
        const company = await makeChain({
          leafNotBefore: new Date(Date.now() - 30 * 86_400_000),
          leafNotAfter: new Date(Date.now() - 86_400_000),
        });
        return [
          await signWithKey(validClaims(t), company.leafKey, { x5c: company.x5c }),
          [company.rootPem],
        ];
      },
    ],
    [
      'an intermediate without CA:true',
      'issuer_not_ca',
      async (t) => {
        const company = await makeChain({ intermediateIsCa: false });
        return [
          await signWithKey(validClaims(t), company.leafKey, { x5c: company.x5c }),
          [company.rootPem],
        ];
      },
    ],
    [
      'a chain out of order',
      'chain_order_invalid',
      async (t) => [
        await signWithServerKey(t, validClaims(t), {
          x5c: [...(headerOf(admin).x5c ?? [])].reverse(),
        }),
      ],
    ],
    [
      'a jwk header whose key differs from its x5c leaf',
      'jwk_mismatch',
      async (t) => {
        const other = await exportJWK(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
        return [
          await signWithServerKey(t, validClaims(t), {
            jwk: { ...other, x5c: headerOf(admin).x5c },
          }),
        ];
      },
    ],
    ['no x5c at all', 'x5c_missing', async (t) => [await signWithServerKey(t, validClaims(t))]],
    [
      'x5c that is not base64 DER',
      'x5c_malformed',
      async (t) => [await signWithServerKey(t, validClaims(t), { x5c: ['bm90IGEgY2VydA=='] })],
    ],
    [
      'a valid chain but another audience',
      'audience_mismatch',
      async (t) => [
        await signWithServerKey(t, validClaims(t, { aud: 'other-api' }), {
          x5c: headerOf(admin).x5c,
        }),
      ],
    ],
    [
      'a valid chain but an expired token',
      'expired',
      async (t) => [
        await signWithServerKey(t, validClaims(t, { exp: t.clock.nowSeconds() - 3600 }), {
          x5c: headerOf(admin).x5c,
        }),
      ],
    ],
  ])('rejects %s with %s', async (_name, reason, mint) => {
    const [token, extraAnchors] = await mint(t);
    expect(await rejection(token, extraAnchors)).toBe(reason);
  });

  it('accepts a company chain that includes its root when that root is an anchor', async () => {
    const company = await makeChain({ includeRoot: true });
    const token = await signWithKey(validClaims(t), company.leafKey, { x5c: company.x5c });
    expect(await rejection(token, [company.rootPem])).toBe('accepted');
  });
});

describe('TOKEN_HEADER_KEYS=jwk and keys older than the CA', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { tokenHeaderKeys: 'jwk' } });
  });
  afterAll(() => t.close({ drop: true }));

  it('puts the public JWK with its x5c into the header, and it verifies in x5c mode', async () => {
    const admin = await loginAsAdmin(t);
    const header = headerOf(admin);
    const published = (
      (await t.http().get('/.well-known/jwks.json')).body as { keys: PublishedKey[] }
    ).keys.find((k) => k.kid === header.kid);
    expect(header.x5c).toBeUndefined();
    expect(header.jwk).toEqual(published);
    expect(header.jwk?.x5c).toHaveLength(2);
    const verify = createX5cVerifier({
      issuer: t.config.issuer,
      audience: t.config.audience,
      trustAnchors: parseTrustAnchors(await trustAnchorsOf(t, admin)),
      now: () => t.clock.now(),
    });
    expect(await verify(admin)).toEqual(expect.objectContaining({ ok: true }));
  });

  it('puts a certificate issued while the server runs into the very next token', async () => {
    const published = async (kid: string) =>
      ((await t.http().get('/.well-known/jwks.json')).body as { keys: PublishedKey[] }).keys.find(
        (k) => k.kid === kid,
      );
    const keys = t.app.get(KeyStore);
    await t.app.get(DataSource).query('UPDATE signing_keys SET certificate_chain = NULL');
    await keys.reload();
    const before = headerOf(await loginAsAdmin(t));
    expect(before.jwk?.x5c).toBeUndefined();
    expect(before.jwk).toEqual(await published(before.kid!));

    await t.app.get(KeyRotationService).ensureCertificates();
    await keys.reload();
    const after = headerOf(await loginAsAdmin(t));
    expect(after.kid).toBe(before.kid);
    expect(after.jwk?.x5c).toHaveLength(2);
    expect(after.jwk).toEqual(await published(after.kid!));
  });

  it('issues certificates at start-up for keys created before certificates existed', async () => {
    await t.app.get(DataSource).query('UPDATE signing_keys SET certificate_chain = NULL');
    const { db, clock } = t;
    await t.close();
    t = await createTestApp({ db, clock, config: { tokenHeaderKeys: 'jwk' } });
    const keys = ((await t.http().get('/.well-known/jwks.json')).body as { keys: PublishedKey[] })
      .keys;
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(key.x5c).toHaveLength(2);
    }
    const admin = await loginAsAdmin(t);
    expect(headerOf(admin).jwk?.x5c).toEqual(keys.find((k) => k.kid === headerOf(admin).kid)?.x5c);
  }, 30_000);
});

describe('importing a key certified by a company PKI (POST /admin/keys/import)', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp({ config: { tokenHeaderKeys: 'x5c' } });
    admin = await loginAsAdmin(t);
  });
  afterAll(() => t.close({ drop: true }));

  const importKey = (body: object) =>
    t.http().post('/admin/keys/import').set('Authorization', `Bearer ${admin}`).send(body);
  const keyStates = async (): Promise<Record<string, string>> => {
    const response = await t
      .http()
      .get('/admin/keys?limit=100')
      .set('Authorization', `Bearer ${admin}`);
    const items = (response.body as { items: { kid: string; state: string }[] }).items;
    return Object.fromEntries(items.map((k) => [k.kid, k.state]));
  };

  it('imports the key as next, publishes its root, and signs with its chain after a rotation', async () => {
    const company = await makeChain({ includeRoot: true });
    const before = await keyStates();
    const oldNext = Object.keys(before).find((kid) => before[kid] === 'next')!;
    const response = await importKey({
      private_key_pem: company.leafKeyPem,
      certificate_chain_pem: company.chainPem,
    });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      kid: expect.any(String),
      alg: 'ES256',
      state: 'next',
      createdAt: expect.any(String),
      activatedAt: null,
      retiredAt: null,
      revokedAt: null,
    });
    const kid = (response.body as { kid: string }).kid;
    expect((await keyStates())[oldNext]).toBe('revoked');
    const anchors = parseTrustAnchors(await trustAnchorsOf(t, admin));
    expect(anchors.map((a) => a.subject)).toEqual([expect.any(String), company.root.subject]);

    const published = (
      (await t.http().get('/.well-known/jwks.json')).body as { keys: PublishedKey[] }
    ).keys.find((k) => k.kid === kid);
    expect(published?.x5c).toEqual(company.x5c);

    const rotated = await t
      .http()
      .post('/admin/keys/rotate')
      .set('Authorization', `Bearer ${admin}`)
      .send({});
    expect(rotated.status).toBe(201);
    const token = await loginAsAdmin(t);
    expect(headerOf(token)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid, x5c: company.x5c });
    const verify = createX5cVerifier({
      issuer: t.config.issuer,
      audience: t.config.audience,
      trustAnchors: anchors,
      now: () => t.clock.now(),
    });
    expect(await verify(token)).toEqual(expect.objectContaining({ ok: true }));
    expect((await t.http().get('/auth/me').set('Authorization', `Bearer ${token}`)).status).toBe(
      200,
    );
    const again = await importKey({
      private_key_pem: company.leafKeyPem,
      certificate_chain_pem: company.chainPem,
    });
    expect(again.status).toBe(409);
  });

  it('imports a PKCS#12 file with its passphrase', async () => {
    const company = await makeChain({ includeRoot: true, leafType: 'rsa', name: 'P12 Corp' });
    const pfx = exportPkcs12(company.leafKeyPem, company.chainPem, 'correct horse');
    const response = await importKey({
      pkcs12_base64: pfx.toString('base64'),
      passphrase: 'correct horse',
      alg: 'PS256',
    });
    expect(response.status).toBe(201);
    expect(response.body).toEqual(expect.objectContaining({ alg: 'PS256', state: 'next' }));
    const kid = (response.body as { kid: string }).kid;
    const published = (
      (await t.http().get('/.well-known/jwks.json')).body as { keys: PublishedKey[] }
    ).keys.find((k) => k.kid === kid);
    expect(published?.x5c).toEqual(company.x5c);
    const anchors = parseTrustAnchors(await trustAnchorsOf(t, admin));
    expect(anchors.map((a) => a.subject)).toContain(company.root.subject);
  });

  it.each<[string, () => Promise<object>]>([
    [
      'a PKCS#12 file with the wrong passphrase',
      async () => {
        const company = await makeChain();
        const pfx = exportPkcs12(company.leafKeyPem, company.chainPem, 'correct horse');
        return { pkcs12_base64: pfx.toString('base64'), passphrase: 'wrong' };
      },
    ],
    ['no key at all', () => Promise.resolve({})],
    [
      'a PEM key without its chain',
      async () => ({ private_key_pem: (await makeChain()).leafKeyPem }),
    ],
    [
      'garbage instead of PEM',
      () => Promise.resolve({ private_key_pem: 'garbage', certificate_chain_pem: 'garbage' }),
    ],
    [
      'a chain whose leaf is another key',
      async () => ({
        private_key_pem: (await makeChain()).leafKeyPem,
        certificate_chain_pem: (await makeChain()).chainPem,
      }),
    ],
    [
      'an expired leaf',
      async () => {
        const company = await makeChain({
          leafNotBefore: new Date(Date.now() - 30 * 86_400_000),
          leafNotAfter: new Date(Date.now() - 86_400_000),
        });
        return { private_key_pem: company.leafKeyPem, certificate_chain_pem: company.chainPem };
      },
    ],
    [
      'a chain out of order',
      async () => {
        const company = await makeChain({ includeRoot: true });
        const [leaf, ...rest] = company.chainPem.split(/(?=-----BEGIN CERTIFICATE-----)/);
        return {
          private_key_pem: company.leafKeyPem,
          certificate_chain_pem: [leaf, ...rest.reverse()].join(''),
        };
      },
    ],
    [
      'an intermediate without CA:true',
      async () => {
        const company = await makeChain({ intermediateIsCa: false, includeRoot: true });
        return { private_key_pem: company.leafKeyPem, certificate_chain_pem: company.chainPem };
      },
    ],
    [
      'an RSA key under 2048 bits',
      () => {
        const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
        return Promise.resolve({
          private_key_pem: small.export({ format: 'pem', type: 'pkcs8' }).toString(),
          certificate_chain_pem: 'x',
        });
      },
    ],
    [
      'PKCS#12 that is not base64',
      () => Promise.resolve({ pkcs12_base64: '%%%', passphrase: 'x' }),
    ],
    ['an unknown field', () => Promise.resolve({ private_key_pem: 'x', extra: 1 })],
  ])('refuses %s with 400', async (_name, body) => {
    const response = await importKey(await body());
    expect(response.status).toBe(400);
    expect(response.body).toEqual(apiError(400, expect.any(String), expect.any(String)));
  });

  it('is for admins only', async () => {
    const response = await t.http().post('/admin/keys/import').send({});
    expect(response.status).toBe(401);
  });
});
