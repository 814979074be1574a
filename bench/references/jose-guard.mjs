// Reference: the smallest honest guard. node:http + jose's jwtVerify against a local JWKS
// (Signet's, read once from a file), the same claim checks (issuer, audience, scope).
// GET /pets/:id is guarded; GET /public/pets/:id is the same handler without the guard.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createLocalJWKSet, jwtVerify } from 'jose';

const { PORT, JWKS_FILE, ISSUER, AUDIENCE } = process.env;
const jwks = createLocalJWKSet(JSON.parse(readFileSync(JWKS_FILE, 'utf8')));
const options = { issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'] };

function pet(id) {
  return JSON.stringify({ id, name: 'Rex', species: 'dog', age: 3, status: 'available' });
}

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
}

async function guarded(req, res, id) {
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Bearer ')) {
    send(res, 401, '{"error":"invalid_token"}');
    return;
  }
  try {
    const { payload } = await jwtVerify(header.slice(7), jwks, options);
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
    if (!scopes.includes('pets:read')) {
      send(res, 403, '{"error":"insufficient_scope"}');
      return;
    }
    send(res, 200, pet(id));
  } catch {
    send(res, 401, '{"error":"invalid_token"}');
  }
}

createServer((req, res) => {
  const [path] = (req.url ?? '').split('?');
  const publicMatch = /^\/public\/pets\/([^/]+)$/.exec(path);
  if (publicMatch) {
    send(res, 200, pet(publicMatch[1]));
    return;
  }
  const match = /^\/pets\/([^/]+)$/.exec(path);
  if (match) {
    void guarded(req, res, match[1]);
    return;
  }
  send(res, 404, '{"error":"not_found"}');
}).listen(Number(PORT), '127.0.0.1');
