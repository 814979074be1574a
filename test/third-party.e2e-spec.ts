import { generateKeyPairSync } from 'node:crypto';
import { AddressInfo, createServer, Server } from 'node:net';
import { createRemoteJWKSet, exportJWK, importPKCS8, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { createTestApp, TestApp } from './support/app';
import { loginAsAdmin } from './support/auth';

async function freePort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Signet driven by an independent OAuth client library, as a partner would. */
describe('a third party: openid-client and jose against Signet', () => {
  let t: TestApp;
  let issuer: string;

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    t = await createTestApp({ config: { issuer } });
    await t.app.listen(port, '127.0.0.1');
  });
  afterAll(() => t.close({ drop: true }));

  it('discovers, gets a token with a private_key_jwt (PS256) assertion, introspects it, and verifies it from the JWKS', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'partner-1', alg: 'PS256', use: 'sig' };
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const signingKey = await importPKCS8(pem, 'PS256');
    const admin = await loginAsAdmin(t);
    const registered = await t
      .http()
      .post('/admin/clients')
      .set('Authorization', `Bearer ${admin}`)
      .send({
        client_name: 'partner',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [jwk] },
        scope: 'pets:read pets:write',
      })
      .expect(201);
    const clientId = (registered.body as { client_id: string }).client_id;

    const config = await client.discovery(
      new URL(issuer),
      clientId,
      { token_endpoint_auth_signing_alg: 'PS256' },
      client.PrivateKeyJwt({ key: signingKey, kid: 'partner-1' }),
      { execute: [client.allowInsecureRequests] },
    );
    expect(config.serverMetadata().token_endpoint).toBe(`${issuer}/oauth/token`);

    const tokens = await client.clientCredentialsGrant(config, { scope: 'pets:read' });
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('pets:read');

    const introspection = await client.tokenIntrospection(config, tokens.access_token);
    expect(introspection).toEqual(
      expect.objectContaining({
        active: true,
        client_id: clientId,
        sub: clientId,
        scope: 'pets:read',
      }),
    );

    const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      issuer,
      audience: 'pets-api',
      typ: 'at+jwt',
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toEqual(
      expect.objectContaining({ sub: clientId, client_id: clientId, scope: 'pets:read' }),
    );

    const pets = await fetch(`${issuer}/pets`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(pets.status).toBe(200);
  });
});
