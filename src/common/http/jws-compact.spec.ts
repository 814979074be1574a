import { isCanonicalJwsCompact } from './jws-compact';

describe('isCanonicalJwsCompact', () => {
  const segment = (text: string): string => Buffer.from(text).toString('base64url');
  const token = `${segment('{"alg":"RS256"}')}.${segment('{"sub":"a"}')}.${segment('signature!')}`;

  it('accepts a canonical token', () => {
    expect(isCanonicalJwsCompact(token)).toBe(true);
  });

  it.each([
    ['padding', `${token}==`],
    ['the standard alphabet', token.replace(/-/g, '+').replace(/_/g, '/') + '+'],
    ['stray bits in the last character', `${token.slice(0, -1)}${token.endsWith('E') ? 'F' : 'E'}`],
    ['two segments', token.split('.').slice(0, 2).join('.')],
    ['five segments (JWE)', `${token}.a.b`],
    ['an empty signature', `${token.split('.').slice(0, 2).join('.')}.`],
    ['whitespace', ` ${token}`],
  ])('refuses %s', (_name, value) => {
    expect(isCanonicalJwsCompact(value)).toBe(false);
  });
});
