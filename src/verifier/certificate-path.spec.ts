import { makeChain } from '../../test/support/pki';
import { parseTrustAnchors, validateCertificatePath } from './certificate-path';
import { x509 } from './x509';

const DAY_MS = 86_400_000;

describe('validateCertificatePath (RFC 5280 for x5c)', () => {
  const now = new Date();

  it('accepts a chain issued under a trust anchor, with or without the root in x5c', async () => {
    const company = await makeChain();
    const anchors = parseTrustAnchors(company.rootPem);
    const withRoot = await makeChain({ includeRoot: true });
    const result = await validateCertificatePath(company.x5c, anchors, now);
    expect(result).toEqual({ ok: true, leaf: expect.any(x509.X509Certificate) });
    expect(
      (await validateCertificatePath(withRoot.x5c, parseTrustAnchors(withRoot.rootPem), now)).ok,
    ).toBe(true);
  });

  it.each<[string, unknown]>([
    ['x5c_missing', undefined],
    ['x5c_malformed', 'MIIB'],
    ['x5c_malformed', []],
    ['x5c_malformed', [42]],
    ['x5c_malformed', ['not base64 at all!']],
    ['x5c_malformed', ['bm90IGEgY2VydA==']],
    ['x5c_malformed', Array.from({ length: 9 }, () => 'AAAA')],
  ])('refuses with %s: %j', async (reason, x5c) => {
    const company = await makeChain();
    expect(await validateCertificatePath(x5c, parseTrustAnchors(company.rootPem), now)).toEqual({
      ok: false,
      reason,
    });
  });

  it.each<[string, () => Promise<[string[], string]>, Date?]>([
    [
      'untrusted_root',
      async () => [(await makeChain()).x5c, (await makeChain({ name: 'Other' })).rootPem],
    ],
    [
      'chain_order_invalid',
      async () => {
        const c = await makeChain();
        return [[...c.x5c].reverse(), c.rootPem];
      },
    ],
    [
      'certificate_signature_invalid',
      async () => {
        const c = await makeChain({ name: 'Same' });
        const other = await makeChain({ name: 'Same' });
        return [[other.x5c[0], c.x5c[1]], c.rootPem];
      },
    ],
    [
      'issuer_not_ca',
      async () => {
        const c = await makeChain({ intermediateIsCa: false });
        return [c.x5c, c.rootPem];
      },
    ],
    [
      'certificate_expired',
      async () => {
        const c = await makeChain({
          leafNotBefore: new Date(Date.now() - 2 * DAY_MS),
          leafNotAfter: new Date(Date.now() - DAY_MS),
        });
        return [c.x5c, c.rootPem];
      },
    ],
    [
      'certificate_not_yet_valid',
      async () => {
        const c = await makeChain({
          leafNotBefore: new Date(Date.now() + DAY_MS),
          leafNotAfter: new Date(Date.now() + 2 * DAY_MS),
        });
        return [c.x5c, c.rootPem];
      },
    ],
    [
      'certificate_expired',
      async () => {
        const c = await makeChain();
        return [c.x5c, c.rootPem];
      },
      new Date(Date.now() + 20 * 365 * DAY_MS),
    ],
  ])('refuses with %s', async (reason, make, at = now) => {
    const [x5c, anchorsPem] = await make();
    expect(await validateCertificatePath(x5c, parseTrustAnchors(anchorsPem), at)).toEqual({
      ok: false,
      reason,
    });
  });

  it('refuses a trust anchors file without certificates', () => {
    expect(() => parseTrustAnchors('nothing here')).toThrow();
  });
});
