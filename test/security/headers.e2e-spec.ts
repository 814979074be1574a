import { createTestApp, TestApp } from '../support/app';

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
      expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(response.headers['x-powered-by']).toBeUndefined();
    },
  );

  it('lets the Swagger UI load its own scripts and styles', async () => {
    const response = await t.http().get('/docs/');
    expect(response.status).toBe(200);
    expect(response.headers['content-security-policy']).toContain(
      "script-src 'self' 'unsafe-inline'",
    );
  });
});
