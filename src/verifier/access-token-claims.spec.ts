import { checkAccessTokenClaims, ClaimCheckOptions } from './access-token-claims';

const options: ClaimCheckOptions = {
  issuer: 'https://signet.test',
  audience: 'pets-api',
  nowSeconds: 1_000_000,
  clockSkewSeconds: 60,
};

const valid = {
  iss: 'https://signet.test',
  sub: 'user-1',
  aud: 'pets-api',
  exp: 1_000_900,
  iat: 1_000_000,
  jti: 'j1',
  client_id: 'signet-login',
  scope: 'pets:read',
};

describe('checkAccessTokenClaims', () => {
  it('accepts a valid token and keeps every claim', () => {
    const result = checkAccessTokenClaims('at+jwt', { ...valid, extra: 1 }, options);
    expect(result).toEqual({
      ok: true,
      claims: expect.objectContaining({ sub: 'user-1', scope: 'pets:read' }),
    });
    expect(result.ok && result.claims.raw.extra).toBe(1);
  });

  it.each([
    ['application/at+jwt', valid],
    ['at+jwt', { ...valid, aud: ['other', 'pets-api'] }],
    ['at+jwt', { ...valid, exp: 1_000_000 - 59 }],
    ['at+jwt', { ...valid, nbf: 1_000_060 }],
    ['at+jwt', { ...valid, iat: 1_000_060 }],
  ])('accepts typ %s with %j (within the clock skew)', (typ, payload) => {
    expect(checkAccessTokenClaims(typ, payload, options).ok).toBe(true);
  });

  it.each([
    ['typ_invalid', 'JWT', valid],
    ['typ_invalid', undefined, valid],
    ['payload_invalid', 'at+jwt', ['x']],
    ['claims_missing', 'at+jwt', { ...valid, sub: undefined }],
    ['claims_missing', 'at+jwt', { ...valid, exp: '1000900' }],
    ['claims_missing', 'at+jwt', { ...valid, scope: 1 }],
    ['issuer_mismatch', 'at+jwt', { ...valid, iss: 'https://evil.test' }],
    ['audience_mismatch', 'at+jwt', { ...valid, aud: 'other' }],
    ['audience_mismatch', 'at+jwt', { ...valid, aud: [1, 'pets-api'] }],
    ['expired', 'at+jwt', { ...valid, exp: 1_000_000 - 60 }],
    ['not_yet_valid', 'at+jwt', { ...valid, nbf: 1_000_061 }],
    ['issued_in_future', 'at+jwt', { ...valid, iat: 1_000_061 }],
  ])('rejects with %s', (reason, typ, payload) => {
    expect(checkAccessTokenClaims(typ, payload, options)).toEqual({ ok: false, reason });
  });
});
