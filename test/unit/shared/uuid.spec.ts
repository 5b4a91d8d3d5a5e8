import { expect } from 'chai';
import { isLowerCaseUuid, isUuid } from '../../../src/shared/uuid';

describe('shared kernel: UUIDs', () => {
  it('isUuid accepts the hyphenated form in either case and nothing else', () => {
    expect(isUuid('0b7e1c2a-3f4d-4e5f-8a9b-0c1d2e3f4a5b')).to.equal(true);
    expect(isUuid('0B7E1C2A-3F4D-4E5F-8A9B-0C1D2E3F4A5B')).to.equal(true);
    expect(isUuid('0b7e1c2a3f4d4e5f8a9b0c1d2e3f4a5b')).to.equal(false);
    expect(isUuid('{0b7e1c2a-3f4d-4e5f-8a9b-0c1d2e3f4a5b}')).to.equal(false);
    expect(isUuid('0b7e1c2a-3f4d-4e5f-8a9b-0c1d2e3f4a5')).to.equal(false);
    expect(isUuid('0b7e1c2a-3f4d-4e5f-8a9b-0c1d2e3f4a5b\n')).to.equal(false);
    expect(isUuid(42)).to.equal(false);
    expect(isUuid(undefined)).to.equal(false);
  });

  it('isLowerCaseUuid accepts only the lower-case form', () => {
    expect(isLowerCaseUuid('0b7e1c2a-3f4d-4e5f-8a9b-0c1d2e3f4a5b')).to.equal(true);
    expect(isLowerCaseUuid('0b7e1c2a-3f4d-4e5f-8a9b-0C1D2E3F4A5B')).to.equal(false);
    expect(isLowerCaseUuid(null)).to.equal(false);
  });
});
