import { expect } from 'chai';
import { UuidIdGenerator } from '../../../../../src/features/users/adapters/uuid-id-generator';

describe('UuidIdGenerator', () => {
  const ids = new UuidIdGenerator();

  it('makes lower-case UUIDv7 user ids and v4 event ids', () => {
    expect(ids.newUserId()).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ids.newEventId()).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('derives the same event id from the same parts only', () => {
    expect(ids.derivedEventId('a', 'b')).to.equal(ids.derivedEventId('a', 'b'));
    expect(ids.derivedEventId('a', 'b')).to.not.equal(ids.derivedEventId('ab'));
    expect(ids.derivedEventId('a', 'b')).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-5/);
  });
});
