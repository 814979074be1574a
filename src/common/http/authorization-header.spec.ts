import { authorizationValues, MAX_TOKEN_LENGTH, parseBearer } from './authorization-header';

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
