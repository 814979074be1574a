// Reference, not a token service: the floor under target 2. Fastify (Signet's HTTP server) with
// the form parser and one route, POST /oauth/token, that reads the client id from the Basic
// header and the scope from the form, and answers an access token with Signet's header and
// claims, signed RS256 in place with node:crypto as Signet signs on one core. No client
// authentication, rate limit, request log, metrics or security headers: what is left is the
// HTTP exchange and the signature that every token service pays.
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { parse } from 'node:querystring';
import Fastify from 'fastify';

const { PORT, ISSUER = 'http://127.0.0.1', AUDIENCE = 'signet' } = process.env;
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'floor-1', typ: 'at+jwt' }));
const encodedHeader = header.toString('base64url');

function accessToken(clientId, scope) {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: ISSUER,
    sub: clientId,
    aud: AUDIENCE,
    exp: now + 900,
    iat: now,
    jti: randomUUID(),
    client_id: clientId,
    scope,
  };
  const input = `${encodedHeader}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

const app = Fastify({ logger: false });
app.addContentTypeParser(
  'application/x-www-form-urlencoded',
  { parseAs: 'string' },
  (_request, body, done) => done(null, parse(body)),
);
app.post('/oauth/token', async (request, reply) => {
  const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '');
  const scope = typeof request.body?.scope === 'string' ? request.body.scope : '';
  if (!basic || request.body?.grant_type !== 'client_credentials') {
    return reply.code(400).send({ error: 'invalid_request' });
  }
  const clientId = Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0];
  reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
  return {
    access_token: accessToken(clientId, scope),
    token_type: 'Bearer',
    expires_in: 900,
    scope,
  };
});
app.get('/health', async () => ({ status: 'ok' }));
await app.listen({ port: Number(PORT), host: '127.0.0.1' });
