import { isForbiddenAddress, jwksUriProblem } from './address-policy';

describe('remote JWKS address policy', () => {
  it.each([
    ['169.254.169.254', true],
    ['::ffff:169.254.169.254', true],
    ['fe80::1', true],
    ['fd00:ec2::254', true],
    ['100.100.100.200', true],
    ['0.0.0.0', true],
    ['not-an-ip', true],
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['93.184.216.34', false],
    ['2001:db8::1', false],
  ])('%s forbidden: %s', (address, forbidden) => {
    expect(isForbiddenAddress(address)).toBe(forbidden);
  });

  it.each([
    ['https://partner.example/jwks.json', false, undefined],
    ['http://127.0.0.1:8080/jwks.json', false, undefined],
    ['http://localhost/jwks.json', false, undefined],
    ['http://[::1]/jwks.json', false, undefined],
    ['http://partner.example/jwks.json', true, undefined],
    ['http://partner.example/jwks.json', false, expect.stringContaining('https')],
    ['ftp://partner.example/jwks.json', true, expect.stringContaining('https')],
    ['https://user:pw@partner.example/jwks.json', false, expect.stringContaining('credentials')],
    ['not a url', false, expect.stringContaining('absolute')],
    ['http://169.254.169.254/latest/meta-data', true, expect.stringContaining('metadata')],
    ['https://169.254.169.254/jwks.json', false, expect.stringContaining('metadata')],
    ['https://[::ffff:169.254.169.254]/jwks.json', false, expect.stringContaining('metadata')],
    ['https://[fe80::1]/jwks.json', false, expect.stringContaining('metadata')],
    ['https://2852039166/jwks.json', false, expect.stringContaining('metadata')],
    ['https://0.0.0.0/jwks.json', false, expect.stringContaining('metadata')],
  ])('jwks_uri %s (allow http: %s)', (uri, allowHttp, problem) => {
    expect(jwksUriProblem(uri, allowHttp)).toEqual(problem);
  });
});
