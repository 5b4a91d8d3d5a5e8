import { expect } from 'chai';
import { InvalidSortingFieldError, pythonRepr } from '../../../../../src/features/users/domain/errors';

describe('Python reprs in error messages', () => {
  // Each pair is what CPython 3.13's repr() prints for the string.
  const cases: Array<[string, string]> = [
    ['username', "'username'"],
    ["it's", `"it's"`],
    [`it's "x"`, `'it\\'s "x"'`],
    ['a\\b', "'a\\\\b'"],
    ['a\nb\tc\rd', "'a\\nb\\tc\\rd'"],
    ['a\u0000b\u007fc', "'a\\x00b\\x7fc'"],
    ['a\u00a0b', "'a\\xa0b'"],
    ['a\u0085b', "'a\\x85b'"],
    ['a\u200bb', "'a\\u200bb'"],
    ['a\u2028b', "'a\\u2028b'"],
    ['a\ue000b', "'a\\ue000b'"],
    ['a\ud800b', "'a\\ud800b'"],
    ['a\u{e0001}b', "'a\\U000e0001b'"],
    ['caf\u00e9 \u{1F600} \u20ac', "'caf\u00e9 \u{1F600} \u20ac'"],
  ];
  for (const [value, repr] of cases) {
    it(`renders ${JSON.stringify(value)} as ${repr}`, () => {
      expect(pythonRepr(value)).to.equal(repr);
    });
  }

  it('quotes the sorting field of the 400 that way', () => {
    expect(new InvalidSortingFieldError('a\u00a0b').message).to.equal("Invalid sorting field: 'a\\xa0b'");
  });
});
