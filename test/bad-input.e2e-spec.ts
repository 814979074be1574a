import { request as httpRequest, OutgoingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { ADMIN_PASSWORD, ADMIN_USERNAME, createTestApp, TestApp } from './support/app';
import { loginAsAdmin } from './support/auth';
import { apiError, requestIdOf } from './support/errors';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: unknown;
}

const INVALID_TOKEN = apiError(401, 'invalid_token', 'The access token is invalid');
const INVALID_TOKEN_CHALLENGE = 'Bearer realm="signet", error="invalid_token"';
const NOT_JSON = apiError(400, 'bad_request', 'The request body is not valid JSON');
const NOT_AN_OBJECT = apiError(400, 'bad_request', 'The request body must be a JSON object');
const TOO_DEEP = apiError(400, 'bad_request', 'The request body nests deeper than 32 levels');
const TOO_LARGE = apiError(413, 'payload_too_large', 'The request body is larger than 65536 bytes');

/** `{"a":{"a":...}}` nested `depth` objects deep. */
const nested = (depth: number): string => '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);

describe('bad input: a clear 4xx, nothing changed, never a 500 or a stack trace (CONTRACT §2)', () => {
  let t: TestApp;
  let admin: string;
  let port: number;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAsAdmin(t);
    const server = t.app.getHttpServer() as Server;
    if (!server.listening) {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    }
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => t.close({ drop: true }));

  /**
   * One request with exactly the bytes and headers given (supertest's .set() replaces a
   * header, so several Authorization headers need node:http and an array value).
   */
  function send(
    method: string,
    path: string,
    headers: OutgoingHttpHeaders,
    body?: string | Buffer,
  ): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = undefined;
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parsed });
        });
        res.on('error', reject);
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  /**
   * Every answer here is a JSON error body: no stack lines, no error class names, and the
   * request id of the X-Request-Id header (none where the request never got one).
   */
  function expectCleanError(response: RawResponse): void {
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.text).not.toMatch(/\bat \S+ \(|\bat .*:\d+:\d+|Error:|node_modules/);
    expect(response.body).toEqual({
      statusCode: response.status,
      error: expect.any(String),
      message: expect.any(String),
      request_id: requestIdOf(response),
    });
  }

  async function userCount(): Promise<number> {
    const response = await t.http().get('/admin/users').set('Authorization', `Bearer ${admin}`);
    expect(response.status).toBe(200);
    return (response.body as { total: number }).total;
  }

  const TARGETS = [
    ['POST /admin/users', '/admin/users'],
    ['POST /auth/login', '/auth/login'],
  ] as const;

  /** Posts to a target as admin (the token is ignored by the public login route). */
  const post = (path: string, contentType: string, body: string | Buffer, extra = {}) =>
    send(
      'POST',
      path,
      { 'content-type': contentType, authorization: `Bearer ${admin}`, ...extra },
      body,
    );

  describe.each(TARGETS)('request bodies at %s', (_name, path) => {
    let before: number;
    beforeEach(async () => {
      before = await userCount();
    });
    afterEach(async () => {
      expect(await userCount()).toBe(before);
    });

    it.each([
      ['an unterminated object', '{"username": "mallory", '],
      ['a trailing comma', '{"username": "mallory",}'],
      ['single quotes', "{'username': 'mallory'}"],
      ['two objects', '{}{}'],
      ['a bare word after {', '{username}'],
    ])('answers malformed JSON (%s) with 400 "not valid JSON"', async (_case, body) => {
      const response = await post(path, 'application/json', body);
      expectCleanError(response);
      expect(response.body).toEqual(NOT_JSON);
    });

    it.each([
      ['null', 'null'],
      ['an array', '[]'],
      ['an array holding a valid object', JSON.stringify([validBody(path)])],
      ['a string', '"mallory"'],
      ['a number', '42'],
      ['true', 'true'],
      ['a bare word', 'mallory'],
    ])('answers a JSON body that is %s with 400 "must be a JSON object"', async (_case, body) => {
      const response = await post(path, 'application/json', body);
      expectCleanError(response);
      expect(response.body).toEqual(NOT_AN_OBJECT);
    });

    it('answers wrong types with 400 naming each field', async () => {
      const response = await post(
        path,
        'application/json',
        JSON.stringify({ ...validBody(path), username: 123, password: {} }),
      );
      expectCleanError(response);
      expect(response.status).toBe(400);
      const message = (response.body as { message: string }).message;
      expect(message).toContain('username must be a string');
      expect(message).toContain('password must be a string');
    });

    it('answers an unknown field with 400 naming it', async () => {
      const response = await post(
        path,
        'application/json',
        JSON.stringify({ ...validBody(path), x: 1 }),
      );
      expectCleanError(response);
      expect(response.body).toEqual(apiError(400, 'bad_request', 'property x should not exist'));
    });

    it.each([
      [
        'a JSON',
        'application/json',
        JSON.stringify({ ...validBody(path), pad: 'x'.repeat(70_000) }),
      ],
      ['a form', 'application/x-www-form-urlencoded', `username=a&pad=${'x'.repeat(70_000)}`],
    ])('answers %s body over 64kb with 413 payload_too_large', async (_case, type, body) => {
      const response = await post(path, type, body);
      expectCleanError(response);
      expect(response.body).toEqual(TOO_LARGE);
    });

    it('answers a gzip body that inflates past 64kb with 413', async () => {
      const body = gzipSync(JSON.stringify({ ...validBody(path), pad: ' '.repeat(1_000_000) }));
      const response = await post(path, 'application/json', body, { 'content-encoding': 'gzip' });
      expectCleanError(response);
      expect(response.status).toBe(413);
    });

    it('accepts nesting 32 deep (then names the unknown field) and refuses 33 deep', async () => {
      // A valid body plus a field `a` holding nested objects: the body is 32 levels deep.
      const withNested = (depth: number) =>
        `${JSON.stringify(validBody(path)).slice(0, -1)},"a":${nested(depth)}}`;
      const ok = await post(path, 'application/json', withNested(31));
      expectCleanError(ok);
      expect(ok.body).toEqual(apiError(400, 'bad_request', 'property a should not exist'));
      const deep = await post(path, 'application/json', withNested(32));
      expectCleanError(deep);
      expect(deep.body).toEqual(TOO_DEEP);
      const deepArrays = await post(
        path,
        'application/json',
        `{"a":${'['.repeat(40)}${']'.repeat(40)}}`,
      );
      expect(deepArrays.body).toEqual(TOO_DEEP);
    });

    it('answers a 10,000-deep body under the size limit with 400, quickly', async () => {
      const body = nested(10_000);
      expect(body.length).toBeLessThan(65_536);
      const started = Date.now();
      const response = await post(path, 'application/json', body);
      expect(Date.now() - started).toBeLessThan(1000);
      expectCleanError(response);
      expect(response.body).toEqual(TOO_DEEP);
      const unclosed = await post(path, 'application/json', '{"a":'.repeat(10_000));
      expectCleanError(unclosed);
      expect(unclosed.body).toEqual(TOO_DEEP);
    });

    it.each([
      ['text/plain', JSON.stringify(validBody(path))],
      ['application/xml', '<user><username>mallory</username></user>'],
      ['application/octet-stream', '\u0000\u0001\u0002'],
    ])('answers a %s body with a 4xx, not a 500', async (type, body) => {
      const response = await post(path, type, body);
      expectCleanError(response);
      expect(response.status).toBe(400);
    });

    it('answers a JSON body with no content at all with 400 naming the fields', async () => {
      const response = await post(path, 'application/json', '');
      expectCleanError(response);
      expect((response.body as { message: string }).message).toContain('username');
    });

    it.each<[string, Record<string, string>, string | Buffer, number, string]>([
      [
        'an unsupported charset',
        { 'content-type': 'application/json; charset=ebcdic' },
        '{}',
        415,
        'The request body charset is not supported',
      ],
      [
        'an unknown content encoding',
        { 'content-type': 'application/json', 'content-encoding': 'zip-zap' },
        '{}',
        415,
        'The request body content encoding is not supported',
      ],
      [
        'a corrupt gzip body',
        { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        'not gzip at all',
        400,
        'The request could not be read',
      ],
    ])('answers %s with a clean 4xx', async (_case, headers, body, status, message) => {
      const response = await send(
        'POST',
        path,
        { authorization: `Bearer ${admin}`, ...headers },
        body,
      );
      expectCleanError(response);
      expect(response.status).toBe(status);
      expect((response.body as { message: string }).message).toBe(message);
    });
  });

  describe('bodies read as the client labelled them', () => {
    const credentials = JSON.stringify({ username: ADMIN_USERNAME, password: ADMIN_PASSWORD });
    const login = (headers: OutgoingHttpHeaders, body: string | Buffer) =>
      send('POST', '/auth/login', headers, body);

    it.each([
      ['gzip', gzipSync],
      ['x-gzip', gzipSync],
      ['deflate', deflateSync],
      ['br', brotliCompressSync],
      ['identity', (body: string) => Buffer.from(body)],
    ])('inflates a %s body before reading it', async (encoding, compress) => {
      const response = await login(
        { 'content-type': 'application/json', 'content-encoding': encoding },
        compress(credentials),
      );
      expect(response.status).toBe(200);
      expect(response.body).toEqual(expect.objectContaining({ token_type: 'Bearer' }));
    });

    it.each(['utf-8', 'UTF-8', '"utf-8"'])('reads JSON with charset=%s', async (charset) => {
      const response = await login(
        { 'content-type': `application/json; charset=${charset}` },
        credentials,
      );
      expect(response.status).toBe(200);
    });

    it('answers a form with more than 100 parameters with 413', async () => {
      const tokenRequestWith = (parameters: number) =>
        send(
          'POST',
          '/oauth/token',
          { 'content-type': 'application/x-www-form-urlencoded' },
          Array.from({ length: parameters }, (_, i) => `p${i}=x`).join('&'),
        );
      const response = await tokenRequestWith(101);
      expect(response.status).toBe(413);
      expect(response.body).toEqual({
        error: 'payload_too_large',
        error_description: 'The request body has too many parameters',
        request_id: requestIdOf(response),
      });
      // 100 parameters are read: the endpoint then says what is missing.
      expect((await tokenRequestWith(100)).status).toBe(400);
    });
  });

  it('answers a path with a bad percent-encoding with 400, not quoting it', async () => {
    const response = await send('GET', '/admin/users/%FF%FE', { authorization: `Bearer ${admin}` });
    expectCleanError(response);
    expect(response.body).toEqual(
      apiError(400, 'bad_request', 'The request path is not validly percent-encoded'),
    );
  });

  describe('Authorization headers', () => {
    // An array value sends one header line per element.
    const me = (authorization: string | string[]) =>
      send('GET', '/auth/me', { Authorization: authorization });

    it.each([
      ['a lowercase scheme', (token: string) => `bearer ${token}`],
      ['an uppercase scheme', (token: string) => `BEARER ${token}`],
      ['two spaces', (token: string) => `Bearer  ${token}`],
    ])('accepts %s (RFC 7235 §2.1, RFC 6750 §2.1)', async (_case, header) => {
      const response = await me(header(admin));
      expect(response.status).toBe(200);
      expect(response.body).toEqual(expect.objectContaining({ username: 'admin' }));
    });

    it.each<[string, (token: string) => string | string[]]>([
      ['"Bearer" alone', () => 'Bearer'],
      ['"Bearer" and spaces', () => 'Bearer    '],
      ['two Authorization headers', (token) => [`Bearer ${token}`, `Bearer ${token}`]],
      ['a valid and an invalid header', (token) => [`Bearer ${token}`, 'Bearer x.y.z']],
      ['a Basic and a Bearer header', (token) => ['Basic dXNlcjpwYXNz', `Bearer ${token}`]],
      ['a 9000-character token', () => `Bearer ${'a'.repeat(9000)}`],
      ['a token with a space inside', (token) => `Bearer ${token.slice(0, 20)} ${token.slice(20)}`],
      ['a token with a quote', (token) => `Bearer ${token}"`],
      ['a token and a comma', (token) => `Bearer ${token}, Bearer ${token}`],
      ['a garbled token', () => 'Bearer not-a-jwt'],
    ])('answers %s with 401 invalid_token', async (_case, header) => {
      const response = await me(header(admin));
      expectCleanError(response);
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe(INVALID_TOKEN_CHALLENGE);
      expect(response.body).toEqual(INVALID_TOKEN);
    });

    it.each([
      ['a Basic header', 'Basic xxx'],
      ['another scheme', 'Token abc'],
      ['an empty header', ''],
      ['the token alone, with no scheme', 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln'],
    ])('answers %s with 401 unauthorized (no bearer token was sent)', async (_case, header) => {
      const response = await me(header);
      expectCleanError(response);
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="signet"');
      expect(response.body).toEqual(apiError(401, 'unauthorized', 'An access token is required'));
    });

    it('creates nothing when a valid body comes with a bad Authorization header', async () => {
      const before = await userCount();
      for (const authorization of [
        'Bearer',
        [`Bearer ${admin}`, `Bearer ${admin}`],
        `Basic ${Buffer.from('admin:x').toString('base64')}`,
        `Bearer ${'a'.repeat(9000)}`,
      ]) {
        const response = await send(
          'POST',
          '/admin/users',
          { 'content-type': 'application/json', Authorization: authorization },
          JSON.stringify({ username: 'sneaky', password: 'sneaky-password', scope: 'admin' }),
        );
        expectCleanError(response);
        expect(response.status).toBe(401);
      }
      expect(await userCount()).toBe(before);
    });
  });
});

/** A body each target would accept, to which one bad thing is added. */
function validBody(path: string): Record<string, string> {
  return path === '/auth/login'
    ? { username: 'admin', password: 'not-the-admin-password' }
    : { username: 'valid-user', password: 'valid-password', scope: 'pets:read' };
}
