import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../../../../projections/users/users-cursor';

function expectInvalid(run: () => unknown, message: RegExp): void {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidCursorError);
    expect(error).to.include({ kind: 'validation', code: 'users.invalid_cursor' });
    expect((error as Error).message).to.match(message);
    return;
  }
  expect.fail('the cursor was accepted');
}

describe('users list cursor', () => {
  it('round-trips the sort key and id for the sorting it was made for', () => {
    const id = randomUUID();
    for (const [field, key] of [['username', 'bob'], ['role', 'admin'], ['is_active', false], ['id', id]] as const) {
      const raw = encodeCursor({ field, order: 'DESC', key, id });
      expect(raw).to.match(/^[A-Za-z0-9_-]+$/);
      expect(decodeCursor(raw, field, 'DESC')).to.deep.equal({ field, order: 'DESC', key, id });
    }
  });

  it('refuses a cursor made for another field or order, naming both sortings', () => {
    const raw = encodeCursor({ field: 'role', order: 'ASC', key: 'user', id: randomUUID() });
    expectInvalid(() => decodeCursor(raw, 'username', 'ASC'), /issued for sorting by 'role' ASC, not by 'username' ASC/);
    expectInvalid(() => decodeCursor(raw, 'role', 'DESC'), /'role' ASC, not by 'role' DESC/);
  });

  it('refuses garbled cursors', () => {
    const garbled = [
      '',
      'not a cursor!',
      Buffer.from('not json').toString('base64url'),
      Buffer.from('[1,2]').toString('base64url'),
      Buffer.from(JSON.stringify({ f: 'username', o: 'ASC', k: 'a', i: 'nope' })).toString('base64url'),
      Buffer.from(JSON.stringify({ f: 'role', o: 'ASC', k: 'root', i: randomUUID() })).toString('base64url'),
      Buffer.from(JSON.stringify({ f: 'is_active', o: 'ASC', k: 'yes', i: randomUUID() })).toString('base64url'),
      Buffer.from(JSON.stringify({ f: 'toString', o: 'ASC', k: 'a', i: randomUUID() })).toString('base64url'),
      Buffer.from(JSON.stringify({ f: 'username', o: 'asc', k: 'a', i: randomUUID() })).toString('base64url'),
      // No stored username can hold NUL; the database would refuse the comparison with a 5xx.
      Buffer.from(JSON.stringify({ f: 'username', o: 'ASC', k: 'a\u0000', i: randomUUID() })).toString('base64url'),
      Buffer.from(JSON.stringify({ f: 'username', o: 'ASC', k: 'x'.repeat(300), i: randomUUID() })).toString('base64url'),
      'A'.repeat(5000),
    ];
    for (const raw of garbled) expectInvalid(() => decodeCursor(raw, 'username', 'ASC'), /^Invalid cursor/);
  });
});
