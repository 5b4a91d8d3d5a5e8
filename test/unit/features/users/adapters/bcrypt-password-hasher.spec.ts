import { createHmac } from 'node:crypto';
import bcrypt from 'bcrypt';
import { expect } from 'chai';
import { BcryptPasswordHasher } from '../../../../../src/features/users/adapters/bcrypt-password-hasher';
import { ServiceUnavailableError } from '../../../../../src/shared/errors';

const PEPPER = 'a-pepper-of-at-least-thirty-two-characters';
const options = { pepper: PEPPER, cost: 10, maxConcurrent: 4, waitTimeoutMs: 5_000 };

describe('BcryptPasswordHasher (cost 10)', () => {
  const hasher = new BcryptPasswordHasher(options);

  it('round-trips, refuses a wrong password, and salts every hash', async () => {
    const [first, second] = await Promise.all([hasher.hash('secret1'), hasher.hash('secret1')]);
    expect(first).to.match(/^\$2b\$10\$/);
    expect(first).to.not.equal(second);
    expect(await hasher.verify('secret1', first)).to.equal(true);
    expect(await hasher.verify('secret2', first)).to.equal(false);
  });

  it('is bcrypt over base64(HMAC-SHA384(pepper, password)), so long passwords differ past 72 bytes', async () => {
    const long = 'x'.repeat(100);
    const hash = await hasher.hash(long);
    const peppered = createHmac('sha384', PEPPER).update(long, 'utf8').digest('base64');
    expect(await bcrypt.compare(peppered, hash)).to.equal(true);
    expect(await hasher.verify(`${'x'.repeat(99)}y`, hash)).to.equal(false);
    const other = new BcryptPasswordHasher({ ...options, pepper: `${PEPPER}!` });
    expect(await other.verify(long, hash)).to.equal(false);
  });

  it('answers 503 password_hasher.busy when no slot frees in time', async () => {
    const narrow = new BcryptPasswordHasher({ ...options, maxConcurrent: 1, waitTimeoutMs: 1 });
    const results = await Promise.allSettled([narrow.hash('secret1'), narrow.hash('secret2')]);
    expect(results[0]?.status).to.equal('fulfilled');
    const second = results[1];
    expect(second?.status).to.equal('rejected');
    const reason: unknown = second?.status === 'rejected' ? second.reason : undefined;
    expect(reason).to.be.instanceOf(ServiceUnavailableError).with.property('code', 'password_hasher.busy');
  });

  it('refuses a cost below 10', () => {
    expect(() => new BcryptPasswordHasher({ ...options, cost: 9 })).to.throw(RangeError);
  });
});
