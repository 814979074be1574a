import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestApp, TestApp } from './support/app';
import { loginAsAdmin } from './support/auth';
import { listen, makeChain, signWithKey, trustAnchorsOf } from './support/pki';
import { validClaims } from './support/tokens';

const run = promisify(execFile);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe('the verifier CLI: npm run verify (CONTRACT §11)', () => {
  let t: TestApp;
  let admin: string;
  let dir: string;
  let anchorsFile: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'signet-verify-'));
    await run('node', [join(__dirname, '..', 'scripts', 'bundle-lambda.js'), dir]);
    t = await createTestApp({ config: { tokenHeaderKeys: 'x5c' } });
    admin = await loginAsAdmin(t);
    anchorsFile = join(dir, 'trust-anchors.pem');
    writeFileSync(anchorsFile, await trustAnchorsOf(t, admin));
    // Bundling and a fresh app take a few seconds on a busy machine.
  }, 60_000);
  afterAll(async () => {
    await t.close({ drop: true });
    rmSync(dir, { recursive: true, force: true });
  });

  const cli = async (...args: string[]): Promise<CliResult> => {
    try {
      const { stdout, stderr } = await run('node', [join(dir, 'verifier', 'cli.js'), ...args]);
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };
  const common = (token: string, audience = t.config.audience): string[] => [
    '--token',
    token,
    '--issuer',
    t.config.issuer,
    '--audience',
    audience,
  ];

  it('prints the claims and exits 0 given only the trust anchors file', async () => {
    const result = await cli(...common(admin), '--trust-anchors', anchorsFile);
    expect(result).toEqual({ code: 0, stdout: expect.any(String), stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual(
      expect.objectContaining({
        iss: t.config.issuer,
        aud: t.config.audience,
        username: 'admin',
        client_id: 'signet-login',
      }),
    );
  });

  it('prints the claims and exits 0 in JWKS mode', async () => {
    const result = await cli(...common(admin), '--jwks-uri', await listen(t));
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(expect.objectContaining({ username: 'admin' }));
  });

  it.each<[string, () => Promise<string[]>, string]>([
    [
      'a wrong audience',
      () => Promise.resolve([...common(admin, 'other-api'), '--trust-anchors', anchorsFile]),
      'audience_mismatch',
    ],
    [
      'an untrusted chain',
      async () => {
        const attacker = await makeChain({ name: 'Mallory', includeRoot: true });
        const token = await signWithKey(validClaims(t), attacker.leafKey, { x5c: attacker.x5c });
        return [...common(token), '--trust-anchors', anchorsFile];
      },
      'untrusted_root',
    ],
    [
      'a token with a changed payload',
      () => {
        const [h, , s] = admin.split('.');
        const payload = Buffer.from(JSON.stringify(validClaims(t))).toString('base64url');
        return Promise.resolve([...common(`${h}.${payload}.${s}`), '--trust-anchors', anchorsFile]);
      },
      'signature_invalid',
    ],
    [
      'an unreachable JWKS',
      () => Promise.resolve([...common(admin), '--jwks-uri', 'http://127.0.0.1:9/jwks.json']),
      'jwks_unavailable',
    ],
  ])('prints the reason on stderr and exits 1 for %s', async (_name, args, reason) => {
    const result = await cli(...(await args()));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^${reason}: `));
  });

  it('explains its usage when a mode is missing', async () => {
    const result = await cli(...common(admin));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--jwks-uri');
  });
});
