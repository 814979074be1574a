import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  generateClientKey,
  PARTNER_ALGORITHMS,
  signClientAssertion,
  writePrivateKey,
} from '../src/cli/client-key';
import { createTestApp, TestApp } from './support/app';
import { loginAsAdmin } from './support/auth';

/** The partner's toolkit (`npm run cli -- client-key …`) used end to end against Signet. */
describe('client-key toolkit', () => {
  let t: TestApp;
  let dir: string;
  const passphrase = 'partner passphrase';
  beforeAll(async () => {
    t = await createTestApp();
    dir = mkdtempSync(join(tmpdir(), 'signet-partner-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close({ drop: true });
  });

  it.each(PARTNER_ALGORITHMS)('generates a %s key whose assertions Signet accepts', async (alg) => {
    const { encryptedPem, publicJwk } = await generateClientKey(alg, passphrase);
    expect(encryptedPem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    expect(publicJwk).toEqual(
      expect.objectContaining({ alg, use: 'sig', kid: expect.any(String) }),
    );
    expect(publicJwk).not.toHaveProperty('d');
    const keyFile = join(dir, `${alg}.pem`);
    writePrivateKey(keyFile, encryptedPem);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(() =>
      createPrivateKey({
        key: readFileSync(keyFile),
        format: 'pem',
        passphrase: 'wrong passphrase',
      }),
    ).toThrow();

    const admin = await loginAsAdmin(t);
    const registered = await t
      .http()
      .post('/admin/clients')
      .set('Authorization', `Bearer ${admin}`)
      .send({
        client_name: `partner ${alg}`,
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [publicJwk] },
        scope: 'pets:read',
      })
      .expect(201);
    const clientId = (registered.body as { client_id: string }).client_id;
    const assertion = await signClientAssertion({
      keyFile,
      passphrase,
      clientId,
      audience: `${t.config.issuer}/oauth/token`,
      alg,
    });
    const response = await t.http().post('/oauth/token').type('form').send({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual(
      expect.objectContaining({ token_type: 'Bearer', scope: 'pets:read' }),
    );
  });

  it('never overwrites an existing key file', () => {
    const keyFile = join(dir, 'existing.pem');
    writeFileSync(keyFile, 'keep me');
    expect(() => writePrivateKey(keyFile, 'new')).toThrow();
    expect(readFileSync(keyFile, 'utf8')).toBe('keep me');
  });
});
