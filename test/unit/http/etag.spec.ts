import { expect } from 'chai';
import { InvalidIfMatchError, revisionETag, revisionsOfIfMatch } from '../../../src/http/etag';

describe('ETag and If-Match', () => {
  it('writes a revision as a strong entity tag', () => {
    expect(revisionETag(0n)).to.equal('"0"');
    expect(revisionETag(9_223_372_036_854_775_807n)).to.equal('"9223372036854775807"');
  });

  it('reads no condition from an absent header or *', () => {
    expect(revisionsOfIfMatch(undefined)).to.equal(undefined);
    expect(revisionsOfIfMatch('*')).to.equal(undefined);
    expect(revisionsOfIfMatch(' * ')).to.equal(undefined);
  });

  it('reads the revisions of a list, skipping empty elements, weak tags and tags that are no revision', () => {
    expect(revisionsOfIfMatch('"3"')).to.deep.equal([3n]);
    expect(revisionsOfIfMatch('"3", "12",,"0"')).to.deep.equal([3n, 12n, 0n]);
    expect(revisionsOfIfMatch('W/"3", "abc", "03", "", "12345678901234567890"')).to.deep.equal([]);
  });

  it('refuses what is no entity-tag list', () => {
    for (const value of ['', ' ', ',', '3', '"3', '3"', "'3'", '*, "3"', '"3" "4"', 'w/"3"', 'W/3', '"a"b"']) {
      expect(() => revisionsOfIfMatch(value), JSON.stringify(value)).to.throw(InvalidIfMatchError);
    }
  });
});
