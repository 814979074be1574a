import { randomBytes } from 'node:crypto';
import type { DestinationStream, LoggerOptions } from 'pino';
import { Logger } from 'nestjs-pino';
import type request from 'supertest';
import { ADMIN_PASSWORD, ADMIN_USERNAME, createTestApp, TestApp } from './support/app';
import { apiError, ApiErrorBody, oauthError, OAuthErrorBody } from './support/errors';

/*
 * Issue 7 item 7: the request id is in every log line and every error body. The body's
 * request_id, the X-Request-Id response header and `req.id` of the request's log line are one
 * value: the caller's well-formed X-Request-Id, or a generated UUID.
 *
 * The app's own logger options (genReqId, serializers, redaction, levels) are kept; only the
 * destination changes, from stdout to this array.
 */
const mockLogLines: string[] = [];
jest.mock('pino', () => {
  const actual = jest.requireActual<typeof import('pino')>('pino');
  const capture: DestinationStream = { write: (line: string) => void mockLogLines.push(line) };
  const pino = (options: LoggerOptions) => actual.pino(options, capture);
  return Object.assign(pino, actual, { default: pino, pino });
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const WARN = 40;

interface LogLine {
  level: number;
  msg: string;
  req?: { id?: unknown };
}

/** The log lines of the request with this id (pino-http writes once the response is sent). */
async function logLinesOf(id: string): Promise<LogLine[]> {
  const deadline = Date.now() + 2000;
  for (;;) {
    const lines = mockLogLines
      .map((line) => JSON.parse(line) as LogLine)
      .filter((line) => line.req?.id === id);
    if (lines.length > 0 || Date.now() > deadline) {
      return lines;
    }
    await new Promise((done) => setImmediate(done));
  }
}

/** The one line pino-http writes for a 4xx answer. */
const completedLine = (id: string, method: string, path: string, statusCode: number): unknown =>
  expect.objectContaining({
    level: WARN,
    msg: 'request completed',
    req: { id, method, path },
    res: expect.objectContaining({
      statusCode,
      headers: expect.objectContaining({ 'x-request-id': id }),
    }),
  });

type ErrorCase = [
  name: string,
  send: (t: TestApp) => request.Test,
  method: string,
  path: string,
  status: number,
  body: ApiErrorBody | OAuthErrorBody,
];

describe('request ids in error bodies and log lines (CONTRACT §2, issue 7 item 7)', () => {
  let t: TestApp;
  beforeAll(async () => {
    // warn: pino-http logs every 4xx answer at warn (src/logging/logging.module.ts).
    t = await createTestApp({ config: { logLevel: 'warn' } });
  });
  afterAll(() => t.close({ drop: true }));

  /** The body is `expected` with request_id = the X-Request-Id header = req.id of its log line. */
  async function expectOneRequestId(
    response: request.Response,
    expected: ApiErrorBody | OAuthErrorBody,
    method: string,
    path: string,
  ): Promise<string> {
    const id: string = response.headers['x-request-id'];
    expect(response.body).toEqual({ ...expected, request_id: id });
    expect(await logLinesOf(id)).toEqual([completedLine(id, method, path, response.status)]);
    return id;
  }

  const failedLogins = async (t: TestApp, username: string): Promise<void> => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await t.http().post('/auth/login').send({ username, password: 'wrong' });
      expect(response.status).toBe(401);
    }
  };
  const throttledUser = `throttled-${randomBytes(4).toString('hex')}`;

  it.each<ErrorCase>([
    [
      '401 from the access-token guard',
      (t) => t.http().get('/pets'),
      'GET',
      '/pets',
      401,
      apiError(401, 'unauthorized', 'An access token is required'),
    ],
    [
      '400 from validation',
      (t) => t.http().post('/auth/login').send({ username: 'a', password: 'b', x: 1 }),
      'POST',
      '/auth/login',
      400,
      apiError(400, 'bad_request', 'property x should not exist'),
    ],
    [
      '404 for an unknown route',
      (t) => t.http().get('/no-such-route'),
      'GET',
      '/no-such-route',
      404,
      apiError(404, 'not_found', 'No such route'),
    ],
    [
      '400 from the OAuth token endpoint (RFC 6749 §5.2)',
      (t) => t.http().post('/oauth/token').type('form').send({ grant_type: 'password' }),
      'POST',
      '/oauth/token',
      400,
      oauthError('unsupported_grant_type', 'This grant type is not supported'),
    ],
    [
      '401 invalid_client from the OAuth token endpoint',
      (t) =>
        t
          .http()
          .post('/oauth/token')
          .auth('no-such-client', 'no-such-secret')
          .type('form')
          .send({ grant_type: 'client_credentials' }),
      'POST',
      '/oauth/token',
      401,
      oauthError('invalid_client', 'Client authentication failed'),
    ],
  ])('gives a %s the id of its header and log line', async (...testCase) => {
    const [, send, method, path, status, body] = testCase;
    const response = await send(t);
    expect(response.status).toBe(status);
    expect(response.headers['x-request-id']).toMatch(UUID);
    await expectOneRequestId(response, body, method, path);
  });

  it('gives a 429 from the login throttle the id of its header and log line', async () => {
    await failedLogins(t, throttledUser);
    const response = await t
      .http()
      .post('/auth/login')
      .send({ username: throttledUser, password: 'wrong' });
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toEqual(expect.any(String));
    expect(response.headers['x-request-id']).toMatch(UUID);
    await expectOneRequestId(
      response,
      apiError(429, 'too_many_requests', 'Too many failed attempts; try again later'),
      'POST',
      '/auth/login',
    );
  });

  it('writes the id into the warning of a reused refresh token, a line from inside the request', async () => {
    const login = await t
      .http()
      .post('/auth/login')
      .send({ username: ADMIN_USERNAME, password: ADMIN_PASSWORD });
    const refreshToken = (login.body as { refresh_token: string }).refresh_token;
    expect(
      (await t.http().post('/auth/refresh').send({ refresh_token: refreshToken })).status,
    ).toBe(200);
    const reused = await t.http().post('/auth/refresh').send({ refresh_token: refreshToken });
    expect(reused.status).toBe(401);
    const id = reused.headers['x-request-id'];
    expect(id).toMatch(UUID);
    expect(await logLinesOf(id)).toEqual([completedLine(id, 'POST', '/auth/refresh', 401)]);
    const warnings = mockLogLines
      .map((line) => JSON.parse(line) as LogLine & { requestId?: unknown })
      .filter((line) => line.msg === 'Refresh token reused: chain revoked');
    expect(warnings).toEqual([
      expect.objectContaining({ level: WARN, requestId: id, chainId: expect.any(String) }),
    ]);
  });

  it('redacts credentials in service lines, and writes none into request lines', async () => {
    const secrets = {
      password: `password-${randomBytes(6).toString('hex')}`,
      client_secret: `secret-${randomBytes(6).toString('hex')}`,
      refresh_token: `refresh-${randomBytes(6).toString('hex')}`,
    };
    t.app.get(Logger).warn({ client: 'acme', ...secrets }, 'a service line');
    const serviceLine = mockLogLines.find((line) => line.includes('a service line'));
    expect(JSON.parse(serviceLine!)).toMatchObject({
      client: 'acme',
      password: '[redacted]',
      client_secret: '[redacted]',
      refresh_token: '[redacted]',
    });

    const token = `${randomBytes(24).toString('base64url')}.x.y`;
    const response = await t
      .http()
      .post('/auth/login?password=in-the-query')
      .set('Authorization', `Bearer ${token}`)
      .send({ username: 'nobody', password: secrets.password });
    expect(response.status).toBe(401);
    const lines = await logLinesOf(response.headers['x-request-id']);
    expect(lines).toHaveLength(1);
    const written = JSON.stringify(lines);
    for (const secret of [token, secrets.password, 'in-the-query']) {
      expect(written).not.toContain(secret);
    }
  });

  it('keeps the id, size and refusal headers in a request line, not the security headers', async () => {
    const response = await t.http().get('/pets');
    expect(response.status).toBe(401);
    const id: string = response.headers['x-request-id'];
    const [line] = (await logLinesOf(id)) as { res?: { headers?: Record<string, unknown> } }[];
    expect(line.res?.headers).toEqual({
      'x-request-id': id,
      'content-length': expect.anything(),
      'www-authenticate': response.headers['www-authenticate'],
    });
    expect(response.headers['content-security-policy']).toEqual(expect.any(String));
  });

  it('gives two requests two ids', async () => {
    const first = await t.http().get('/pets');
    const second = await t.http().get('/pets');
    expect(first.headers['x-request-id']).toMatch(UUID);
    expect(second.headers['x-request-id']).toMatch(UUID);
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
  });

  it.each([
    ['a UUID', '0b0f6b0e-8f3a-4a53-9a51-3c1d7c2d9a00'],
    ['letters, digits, dot, dash and underscore', 'gateway.trace-42_Ab'],
    ['64 characters', 'a'.repeat(64)],
  ])("echoes the caller's X-Request-Id when it is %s", async (_case, given) => {
    const response = await t.http().get('/pets').set('X-Request-Id', given);
    expect(response.status).toBe(401);
    expect(response.headers['x-request-id']).toBe(given);
    await expectOneRequestId(
      response,
      apiError(401, 'unauthorized', 'An access token is required'),
      'GET',
      '/pets',
    );
  });

  it("echoes the caller's X-Request-Id in an OAuth error body", async () => {
    const response = await t
      .http()
      .post('/oauth/token')
      .set('X-Request-Id', 'partner-call-7')
      .type('form')
      .send({ grant_type: 'password' });
    expect(response.status).toBe(400);
    expect(response.headers['x-request-id']).toBe('partner-call-7');
    await expectOneRequestId(
      response,
      oauthError('unsupported_grant_type', 'This grant type is not supported'),
      'POST',
      '/oauth/token',
    );
  });

  it.each([
    ['65 characters', 'a'.repeat(65)],
    ['a space', 'two words'],
    ['markup', '<script>alert(1)</script>'],
    ['a backslash and JSON', 'id\\n{"level":60}'],
    ['a comma', 'one,two'],
    ['empty', ''],
  ])('replaces an X-Request-Id with %s by a generated UUID', async (_case, given) => {
    const response = await t.http().get('/pets').set('X-Request-Id', given);
    expect(response.status).toBe(401);
    const id: string = response.headers['x-request-id'];
    expect(id).toMatch(UUID);
    await expectOneRequestId(
      response,
      apiError(401, 'unauthorized', 'An access token is required'),
      'GET',
      '/pets',
    );
    if (given !== '') {
      expect(mockLogLines.join('\n')).not.toContain(given);
    }
  });

  // Refused before any route or pipe runs: the logging middleware comes first of all.
  it.each<ErrorCase>([
    [
      '400 for a body that is not JSON',
      (t) => t.http().post('/auth/login').set('Content-Type', 'application/json').send('{"a":'),
      'POST',
      '/auth/login',
      400,
      apiError(400, 'bad_request', 'The request body is not valid JSON'),
    ],
    [
      '413 for a body over 64kb',
      (t) =>
        t
          .http()
          .post('/auth/login')
          .send({ username: 'x'.repeat(70_000), password: 'y' }),
      'POST',
      '/auth/login',
      413,
      apiError(413, 'payload_too_large', 'The request body is larger than 65536 bytes'),
    ],
    [
      '413 for a form over 64kb at the token endpoint',
      (t) =>
        t
          .http()
          .post('/oauth/token')
          .type('form')
          .send({ grant_type: 'x'.repeat(70_000) }),
      'POST',
      '/oauth/token',
      413,
      oauthError('payload_too_large', 'The request body is larger than 65536 bytes'),
    ],
  ])('gives a %s the id of its header and log line', async (...testCase) => {
    const [, send, method, path, status, body] = testCase;
    const response = await send(t);
    expect(response.status).toBe(status);
    expect(response.headers['x-request-id']).toMatch(UUID);
    await expectOneRequestId(response, body, method, path);
  });
});
