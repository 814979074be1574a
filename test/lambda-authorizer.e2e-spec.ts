import { decodeProtectedHeader } from 'jose';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuthorizerResult, TokenAuthorizerEvent } from '../src/lambda/authorizer';
import { createTestApp, TestApp } from './support/app';
import { createUserToken, loginAsAdmin } from './support/auth';
import { trustAnchorsOf } from './support/pki';
import { signWithServerKey, validClaims } from './support/tokens';

const run = promisify(execFile);

type Handler = (event: TokenAuthorizerEvent) => Promise<AuthorizerResult>;

const ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abcdef123/prod';

describe('the Lambda authorizer: dist/lambda/authorizer.js (CONTRACT §11)', () => {
  let t: TestApp;
  let dir: string;
  let handler: Handler;
  let reader: { id: string; token: string };
  const saved = { ...process.env };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'signet-lambda-'));
    await run('node', [join(__dirname, '..', 'scripts', 'bundle-lambda.js'), dir]);
    t = await createTestApp({ config: { tokenHeaderKeys: 'x5c' } });
    const admin = await loginAsAdmin(t);
    writeFileSync(join(dir, 'trust-anchors.pem'), await trustAnchorsOf(t, admin));
    reader = await createUserToken(t, admin, 'pets:read');
    Object.assign(process.env, {
      ISSUER: t.config.issuer,
      AUDIENCE: t.config.audience,
      TRUST_ANCHORS_FILE: join(dir, 'trust-anchors.pem'),
      ROUTE_SCOPES: JSON.stringify({
        'GET /pets': 'pets:read',
        'GET /pets/{id}': 'pets:read',
        'DELETE /pets/{id}': 'pets:delete',
      }),
    });
    // The bundle, as API Gateway would load it: no node_modules, no Nest.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    handler = (require(join(dir, 'lambda', 'authorizer.js')) as { handler: Handler }).handler;
    // Bundling and a fresh app take a few seconds on a busy machine.
  }, 60_000);
  afterAll(async () => {
    process.env = saved;
    await t.close({ drop: true });
    rmSync(dir, { recursive: true, force: true });
  });

  const event = (token: string | undefined, route: string): TokenAuthorizerEvent => ({
    type: 'TOKEN',
    authorizationToken: token === undefined ? undefined : `Bearer ${token}`,
    methodArn: `${ARN}/${route}`,
  });
  const policy = (effect: 'Allow' | 'Deny', route: string, scope = 'pets:read') => ({
    principalId: reader.id,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: `${ARN}/${route}` }],
    },
    context: { sub: reader.id, scope, client_id: 'signet-login' },
  });

  it.each([['GET/pets'], ['GET/pets/0b7c5b0e-5d1a-4a57-9d3c-1f4b2f0b0c11']])(
    'allows %s when the token holds the route scope',
    async (route) => {
      expect(await handler(event(reader.token, route))).toEqual(policy('Allow', route));
    },
  );

  it.each([
    ['a scope the token lacks', 'DELETE/pets/42'],
    ['a route missing from ROUTE_SCOPES', 'POST/pets'],
  ])('denies %s', async (_name, route) => {
    expect(await handler(event(reader.token, route))).toEqual(policy('Deny', route));
  });

  it.each<[string, () => Promise<string | undefined>]>([
    ['no token', () => Promise.resolve(undefined)],
    ['a garbled token', () => Promise.resolve('not-a-jwt')],
    ['a token without x5c', () => signWithServerKey(t, validClaims(t))],
    [
      'a token for another audience',
      () =>
        signWithServerKey(t, validClaims(t, { aud: 'billing-api' }), {
          x5c: (decodeProtectedHeader(reader.token) as { x5c: string[] }).x5c,
        }),
    ],
    [
      'an expired token',
      () =>
        signWithServerKey(t, validClaims(t, { exp: t.clock.nowSeconds() - 3600 }), {
          x5c: (decodeProtectedHeader(reader.token) as { x5c: string[] }).x5c,
        }),
    ],
  ])('rejects %s with Error("Unauthorized")', async (_name, mint) => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    await expect(handler(event(await mint(), 'GET/pets'))).rejects.toThrow(
      new Error('Unauthorized'),
    );
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});
