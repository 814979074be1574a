import { createTestApp, TestApp } from '../support/app';

// helmet's headers for HTML documents: the Swagger UI gets them, the JSON API does not.
const DOCUMENT_ONLY = [
  'cross-origin-opener-policy',
  'origin-agent-cluster',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
];

describe('transport security headers (helmet)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close({ drop: true }));

  it.each(['/health', '/.well-known/jwks.json', '/auth/me', '/no-such-route'])(
    'sends strict headers on %s',
    async (path) => {
      const response = await t.http().get(path);
      expect(response.headers['content-security-policy']).toBe(
        "default-src 'none';frame-ancestors 'none'",
      );
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['cross-origin-resource-policy']).toBe('same-origin');
      expect(response.headers['x-powered-by']).toBeUndefined();
      // Headers that only govern an HTML document are not sent with JSON (OWASP REST).
      for (const header of DOCUMENT_ONLY) {
        expect(response.headers[header]).toBeUndefined();
      }
    },
  );

  it('lets the Swagger UI load its own scripts and styles, with the document headers', async () => {
    const response = await t.http().get('/docs/');
    expect(response.status).toBe(200);
    expect(response.headers['content-security-policy']).toContain(
      "script-src 'self' 'unsafe-inline'",
    );
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    for (const header of DOCUMENT_ONLY) {
      expect(response.headers[header]).toEqual(expect.any(String));
    }
  });
});

describe('CORS (CORS_ORIGINS)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { corsOrigins: ['https://app.example.com'] } });
  });
  afterAll(() => t.close({ drop: true }));

  it('answers a preflight from an allowed origin', async () => {
    const response = await t
      .http()
      .options('/pets')
      .set('Origin', 'https://app.example.com')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization');
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('exposes the auth headers to an allowed origin, and nothing to others', async () => {
    const allowed = await t.http().get('/auth/me').set('Origin', 'https://app.example.com');
    expect(allowed.status).toBe(401);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    // A comma-separated list (RFC 9110 §5.6.1): optional whitespace after each comma.
    expect(String(allowed.headers['access-control-expose-headers']).split(/,\s*/)).toEqual([
      'WWW-Authenticate',
      'Retry-After',
      'X-Request-Id',
    ]);
    const other = await t.http().get('/auth/me').set('Origin', 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
