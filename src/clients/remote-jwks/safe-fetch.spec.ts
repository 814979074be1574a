import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { createSafeFetch, UnsafeFetchError } from './safe-fetch';

// Names the tests resolve themselves: a host name cannot hide a metadata address.
const RESOLVES_TO: Record<string, string[]> = {
  'metadata.test': ['169.254.169.254'],
  'mixed.test': ['169.254.169.254', '127.0.0.1'],
};

jest.mock('node:dns', () => {
  const actual = jest.requireActual<typeof import('node:dns')>('node:dns');
  return {
    ...actual,
    lookup: (
      hostname: string,
      options: object,
      callback: (error: null, addresses: { address: string; family: number }[]) => void,
    ) => {
      const addresses = RESOLVES_TO[hostname];
      if (!addresses) {
        return actual.lookup(hostname, options, callback as never);
      }
      callback(
        null,
        addresses.map((address) => ({ address, family: 4 })),
      );
    },
  };
});

describe('safe fetch of a client JWKS', () => {
  const safeFetch = createSafeFetch({ maxBytes: 1024 });
  const fetchOptions = () => ({ headers: new Headers(), signal: AbortSignal.timeout(2000) });
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/hang') {
        return;
      }
      if (request.url === '/hang-body') {
        response.writeHead(200, { 'content-type': 'application/json' }).write('{"keys":');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });

  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://[::ffff:169.254.169.254]/',
    'http://[fe80::1]/',
    'http://0.0.0.0/',
    'http://100.100.100.200/',
  ])('refuses the address literal %s', async (url) => {
    await expect(safeFetch(url, fetchOptions())).rejects.toBeInstanceOf(UnsafeFetchError);
  });

  it('refuses a host name that resolves only to a metadata address', async () => {
    await expect(safeFetch('http://metadata.test/jwks.json', fetchOptions())).rejects.toThrow(
      'resolves only to forbidden addresses',
    );
  });

  it('connects to the allowed address of a host name that also resolves to a forbidden one', async () => {
    const response = await safeFetch(`http://mixed.test:${port}/jwks.json`, fetchOptions());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ keys: [] });
  });

  // jose turns a TimeoutError into JWKSTimeout; anything else would count as "unavailable".
  it.each(['/hang', '/hang-body'])("fails %s with the signal's TimeoutError", async (path) => {
    const signal = AbortSignal.timeout(100);
    await expect(
      safeFetch(`http://127.0.0.1:${port}${path}`, { headers: new Headers(), signal }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
  });
});
