// Reference: panva's oidc-provider issuing client_credentials tokens, as RS256 JWT access
// tokens (resource indicators with accessTokenFormat 'jwt'), to a client_secret_basic client
// and a private_key_jwt (PS256) client. In-memory adapter, which also keeps used jtis.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const { PORT, CONFIG_FILE } = process.env;
const config = JSON.parse(readFileSync(CONFIG_FILE, 'utf8'));
const issuer = `http://127.0.0.1:${PORT}`;
const resource = 'urn:signet:pets-api';

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: config.basicClientId,
      client_secret: config.basicClientSecret,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'pets:read',
    },
    {
      client_id: config.partnerClientId,
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'PS256',
      jwks: config.partnerJwks,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'pets:read',
    },
  ],
  jwks: { keys: [config.signingJwk] },
  scopes: ['pets:read'],
  ttl: { ClientCredentials: 900 },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'pets:read',
        audience: 'pets-api',
        accessTokenTTL: 900,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
  enabledJWA: { clientAuthSigningAlgValues: ['PS256', 'RS256', 'ES256'] },
});

createServer(provider.callback()).listen(Number(PORT), '127.0.0.1');
