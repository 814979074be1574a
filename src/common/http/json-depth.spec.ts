import { jsonNestingDepth } from './json-depth';

describe('jsonNestingDepth', () => {
  it.each([
    ['1', 0],
    ['{}', 1],
    ['{"a":[1,{"b":2}]}', 3],
    ['{"a":"[[[[{{{{"}', 1],
    ['{"a":"\\"[[["}', 1],
    ['['.repeat(10000) + ']'.repeat(10000), 10000],
  ])('measures %s', (text, depth) => {
    expect(jsonNestingDepth(text)).toBe(depth);
  });
});
