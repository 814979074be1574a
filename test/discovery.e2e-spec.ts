import { createTestApp, TestApp } from './support/app';

describe('discovery (CONTRACT §4)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close({ drop: true }));

  it.each(['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'])(
    'serves RFC 8414 metadata at %s',
    async (path) => {
      const response = await t.http().get(path);
      expect(response.status).toBe(200);
      expect(response.body).toEqual(
        expect.objectContaining({
          issuer: 'http://signet.test',
          jwks_uri: 'http://signet.test/.well-known/jwks.json',
          token_endpoint: 'http://signet.test/oauth/token',
          introspection_endpoint: 'http://signet.test/oauth/introspect',
          revocation_endpoint: 'http://signet.test/oauth/revoke',
          grant_types_supported: expect.arrayContaining(['client_credentials']),
          token_endpoint_auth_methods_supported: [
            'client_secret_basic',
            'client_secret_post',
            'private_key_jwt',
          ],
          token_endpoint_auth_signing_alg_values_supported: expect.arrayContaining([
            'PS256',
            'RS256',
            'ES256',
            'EdDSA',
          ]),
          scopes_supported: expect.arrayContaining([
            'pets:read',
            'pets:write',
            'pets:delete',
            'pets:adopt',
            'admin',
          ]),
          response_types_supported: expect.any(Array),
        }),
      );
    },
  );
});
