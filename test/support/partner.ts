import { createHmac, randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { CryptoKey, exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { TestApp } from './app';

/** The assertion algorithms a partner may use (CONTRACT §6). */
export type PartnerAlg = 'PS256' | 'RS256' | 'ES256' | 'EdDSA';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** A partner's signing key: the private half stays here, the public JWK is published. */
export interface PartnerKey {
  kid: string;
  alg: PartnerAlg;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function generatePartnerKey(
  alg: PartnerAlg = 'PS256',
  kid: string = randomUUID(),
): Promise<PartnerKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicJwk };
}

export function jwksOf(...keys: PartnerKey[]): { keys: JWK[] } {
  return { keys: keys.map((key) => key.publicJwk) };
}

/** Claims of a valid RFC 7523 client assertion for `clientId` at `t`'s token endpoint. */
export function assertionClaims(
  t: TestApp,
  clientId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const now = t.clock.nowSeconds();
  return {
    iss: clientId,
    sub: clientId,
    aud: `${t.config.issuer}/oauth/token`,
    iat: now,
    exp: now + 120,
    jti: randomUUID(),
    ...overrides,
  };
}

/** Signs claims with a partner key; `undefined` claim values are left out. */
export function signAssertion(
  key: PartnerKey,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  const defined = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
  return new SignJWT(defined)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, ...header })
    .sign(key.privateKey);
}

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An HS256 assertion keyed with `secret` (e.g. the partner's public JWK as text). */
export function hmacAssertion(
  claims: Record<string, unknown>,
  kid: string,
  secret: string,
): string {
  const input = `${encode({ alg: 'HS256', kid })}.${encode(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** An `alg: none` assertion with an empty signature. */
export function unsignedAssertion(claims: Record<string, unknown>, kid: string): string {
  return `${encode({ alg: 'none', kid })}.${encode(claims)}.`;
}

/** What the partner's jwks_uri answers next. */
export type JwksAnswer =
  | { kind: 'keys'; keys: PartnerKey[] }
  | { kind: 'json'; body: unknown }
  | { kind: 'status'; status: number }
  | { kind: 'redirect'; location: string }
  | { kind: 'garbage' }
  /** A 200 whose body is larger than Signet's 64 KB cap (a valid JWKS, padded). */
  | { kind: 'huge'; keys: PartnerKey[] }
  /** Never answers: no status line. */
  | { kind: 'hang' }
  /** Sends 200 and its headers, then never finishes the body. */
  | { kind: 'hang-body' };

/**
 * A partner's JWKS endpoint on loopback (http is allowed there), at `/jwks.json`, whose answer
 * the test changes. Other paths serve the keys of `{kind: 'keys'}` answers at
 * `/valid.json`, as a redirect target.
 */
export class PartnerJwksServer {
  private answer: JwksAnswer = { kind: 'keys', keys: [] };
  private validKeys: PartnerKey[] = [];
  private readonly server: Server = createServer((request, response) =>
    this.handle(request, response),
  );
  /** Requests received per path. */
  readonly requests: string[] = [];

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get origin(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  get jwksUri(): string {
    return `${this.origin}/jwks.json`;
  }

  /** How many times `/jwks.json` was asked for. */
  get fetchCount(): number {
    return this.requests.filter((path) => path === '/jwks.json').length;
  }

  serve(answer: JwksAnswer): void {
    this.answer = answer;
  }

  /** The keys served at /valid.json (a redirect target). */
  serveAtRedirectTarget(keys: PartnerKey[]): void {
    this.validKeys = keys;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    this.requests.push(request.url ?? '');
    if (request.url === '/valid.json') {
      this.sendJson(response, jwksOf(...this.validKeys));
      return;
    }
    const answer = this.answer;
    switch (answer.kind) {
      case 'keys':
        return this.sendJson(response, jwksOf(...answer.keys));
      case 'json':
        return this.sendJson(response, answer.body);
      case 'status':
        response.writeHead(answer.status, { 'content-type': 'text/plain' }).end('oops');
        return;
      case 'redirect':
        response.writeHead(302, { location: answer.location }).end();
        return;
      case 'garbage':
        response.writeHead(200, { 'content-type': 'application/json' }).end('<html>not json');
        return;
      case 'huge':
        return this.sendJson(response, { ...jwksOf(...answer.keys), padding: 'x'.repeat(100_000) });
      case 'hang':
        return;
      case 'hang-body':
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"keys": [');
        return;
    }
  }

  private sendJson(response: ServerResponse, body: unknown): void {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}
