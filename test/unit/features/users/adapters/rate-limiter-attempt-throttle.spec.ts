import { expect } from 'chai';
import {
  RateLimiterAttemptThrottle,
  TooManyAttemptsError,
  memoryLimiters,
  type ThrottlePolicy,
} from '../../../../../src/features/users';
import { eventually } from '../../../../support/eventually';
import { rejection } from '../../../../support/rejection';

/** The configured defaults (README, "Throttling"), over counters in memory. */
const DEFAULTS: ThrottlePolicy = {
  accountFreeFailures: 5,
  accountFirstDelayS: 1,
  accountMaxDelayS: 900,
  accountFailuresPerHour: 100,
  accountWritesPerHour: 20,
  addressFailures: 50,
  addressFailuresWindowS: 600,
  addressSignups: 30,
  addressSignupsWindowS: 60,
};

const throttleWith = (overrides: Partial<ThrottlePolicy> = {}): RateLimiterAttemptThrottle =>
  new RateLimiterAttemptThrottle({ ...DEFAULTS, ...overrides }, memoryLimiters);

describe('RateLimiterAttemptThrottle (memory counters)', () => {
  const alice = { account: 'alice', address: '198.51.100.1' };

  async function fail(throttle: RateLimiterAttemptThrottle, source = alice): Promise<void> {
    const reservation = await throttle.reserveCheck(source);
    await reservation.settle('failed');
  }

  it('lets 5 failures through, then refuses with a Retry-After of the first delay', async () => {
    const throttle = throttleWith();
    for (let i = 0; i < 5; i++) await fail(throttle);
    const refused = await rejection(throttle.reserveCheck(alice));
    expect(refused).to.be.instanceOf(TooManyAttemptsError).with.property('retryAfterS', 1);
    expect(refused).to.have.property('code', 'auth.too_many_attempts');
  });

  it('doubles the delay with each failure after the free ones, up to the cap', async () => {
    const throttle = throttleWith({ accountFreeFailures: 1, accountFirstDelayS: 1, accountMaxDelayS: 2 });
    await fail(throttle);
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      delays.push(((await rejection(throttle.reserveCheck(alice))) as TooManyAttemptsError).retryAfterS);
      // Refusals cost nothing, so asking until the delay has passed is a condition, not a timer.
      const reservation = await eventually('the delay to pass', () => throttle.reserveCheck(alice).catch(() => undefined), { timeoutMs: 5_000 });
      await reservation.settle('failed');
    }
    expect(delays).to.deep.equal([1, 2, 2]);
  });

  it('lets only the free allowance reach the check when 30 attempts reserve at once', async () => {
    const throttle = throttleWith();
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => throttle.reserveCheck(alice)));
    const granted = results.filter((result) => result.status === 'fulfilled');
    expect(granted).to.have.length(5);
    expect(results.filter((result) => result.status === 'rejected' && result.reason instanceof TooManyAttemptsError)).to.have.length(25);
  });

  it('resets the account on a success, and gives an aborted check back', async () => {
    const throttle = throttleWith();
    for (let i = 0; i < 4; i++) await fail(throttle);
    await (await throttle.reserveCheck(alice)).settle('succeeded');
    for (let i = 0; i < 4; i++) await fail(throttle);
    await (await throttle.reserveCheck(alice)).settle('aborted');
    // 4 failures since the reset, the aborted one not counted: the 5th still runs, the 6th waits.
    await fail(throttle);
    expect(await rejection(throttle.reserveCheck(alice))).to.be.instanceOf(TooManyAttemptsError);
  });

  it('counts an account the same whether or not it exists: the name is the key', async () => {
    const throttle = throttleWith();
    for (let i = 0; i < 5; i++) await fail(throttle, { account: 'nobody', address: '198.51.100.2' });
    expect(await rejection(throttle.reserveCheck({ account: 'nobody', address: '198.51.100.3' }))).to.be.instanceOf(TooManyAttemptsError);
    // Another account from the same address is not held up.
    await (await throttle.reserveCheck({ account: 'bob', address: '198.51.100.2' })).settle('succeeded');
  });

  it('caps the failures of an account per hour, whatever the delays', async () => {
    const throttle = throttleWith({ accountFreeFailures: 1000, accountFailuresPerHour: 3 });
    for (let i = 0; i < 3; i++) await fail(throttle);
    const refused = (await rejection(throttle.reserveCheck(alice))) as TooManyAttemptsError;
    expect(refused).to.be.instanceOf(TooManyAttemptsError);
    expect(refused.retryAfterS).to.be.greaterThan(3000);
  });

  it('limits the failures from one address across accounts, and refusals do not count', async () => {
    const throttle = throttleWith({ addressFailures: 3 });
    for (const account of ['a1', 'a2', 'a3']) await fail(throttle, { account, address: '203.0.113.9' });
    for (let i = 0; i < 3; i++) {
      expect(await rejection(throttle.reserveCheck({ account: 'a4', address: '203.0.113.9' }))).to.be.instanceOf(TooManyAttemptsError);
    }
    await (await throttle.reserveCheck({ account: 'a4', address: '203.0.113.10' })).settle('failed');
    // a4 was refused three times from the first address and failed once from the second: one failure, not four.
    for (let i = 0; i < 4; i++) await fail(throttle, { account: 'a4', address: `203.0.113.${20 + i}` });
    expect(await rejection(throttle.reserveCheck({ account: 'a4', address: '203.0.113.30' }))).to.be.instanceOf(TooManyAttemptsError);
  });

  it('limits password writes per address and per account', async () => {
    const throttle = throttleWith({ addressSignups: 2, accountWritesPerHour: 1 });
    await throttle.countWrite({ account: 'new1', address: '192.0.2.1' });
    expect(await rejection(throttle.countWrite({ account: 'new1', address: '192.0.2.2' }))).to.be.instanceOf(TooManyAttemptsError);
    await throttle.countWrite({ account: 'new2', address: '192.0.2.1' });
    expect(await rejection(throttle.countWrite({ account: 'new3', address: '192.0.2.1' }))).to.be.instanceOf(TooManyAttemptsError);
  });
});
