import {
  authorizationValues,
  MAX_TOKEN_LENGTH,
  parseBasic,
  parseBearer,
} from './authorization-header';

describe('parseBearer', () => {
  it.each([
    [[], { kind: 'none' }],
    [['Basic dXNlcjpwYXNz'], { kind: 'none' }],
    [['Bearer abc.def.ghi'], { kind: 'token', token: 'abc.def.ghi' }],
    [['bearer abc.def.ghi'], { kind: 'token', token: 'abc.def.ghi' }],
    [['BEARER   abc.def.ghi'], { kind: 'token', token: 'abc.def.ghi' }],
    [['Bearer'], { kind: 'malformed', reason: 'token_empty' }],
    [['Bearer '], { kind: 'malformed', reason: 'token_empty' }],
    [['Bearer a b'], { kind: 'malformed', reason: 'token_syntax' }],
    [['Bearer a"b'], { kind: 'malformed', reason: 'token_syntax' }],
    [['Bearer a', 'Bearer b'], { kind: 'malformed', reason: 'several_authorization_headers' }],
    [
      [`Bearer ${'a'.repeat(MAX_TOKEN_LENGTH + 1)}`],
      { kind: 'malformed', reason: 'token_too_long' },
    ],
  ])('reads %j as %j', (values, expected) => {
    expect(parseBearer(values)).toEqual(expected);
  });
});

describe('authorizationValues', () => {
  it('finds every Authorization header, whatever its case', () => {
    expect(
      authorizationValues(['Host', 'x', 'Authorization', 'Bearer a', 'authorization', 'Bearer b']),
    ).toEqual(['Bearer a', 'Bearer b']);
  });
});

describe('parseBasic', () => {
  const basic = (text: string): string => `Basic ${Buffer.from(text).toString('base64')}`;
  it.each([
    [[], { kind: 'none' }],
    [['Bearer abc'], { kind: 'none' }],
    [[basic('client:secret')], { kind: 'basic', username: 'client', password: 'secret' }],
    [[basic('a%3Ab:s%2Bx+y')], { kind: 'basic', username: 'a:b', password: 's+x y' }],
    [
      [`basic ${Buffer.from('c:s').toString('base64')}`],
      { kind: 'basic', username: 'c', password: 's' },
    ],
    [['Basic'], { kind: 'malformed', reason: 'basic_syntax' }],
    [['Basic !!!'], { kind: 'malformed', reason: 'basic_syntax' }],
    [[basic('no-colon')], { kind: 'malformed', reason: 'basic_syntax' }],
    [[basic(':secret')], { kind: 'malformed', reason: 'basic_syntax' }],
    [[basic('c:%E0%A4%A')], { kind: 'malformed', reason: 'basic_syntax' }],
    [[basic('a:b'), basic('c:d')], { kind: 'malformed', reason: 'several_authorization_headers' }],
  ])('reads %j as %j', (values, expected) => {
    expect(parseBasic(values)).toEqual(expected);
  });
});
