import type { AttemptSource, AttemptThrottle } from './ports/attempt-throttle';

/**
 * Runs a password check under a reservation taken before it (so parallel attempts count): it
 * settles `succeeded` when the check returns, `failed` when it throws an error `isFailure`
 * names, and `aborted` for any other error (a 503, a client gone), which gives the attempt back.
 */
export async function throttledCheck<T>(
  throttle: AttemptThrottle,
  source: AttemptSource,
  isFailure: (error: unknown) => boolean,
  check: () => Promise<T>,
): Promise<T> {
  const reservation = await throttle.reserveCheck(source);
  let result: T;
  try {
    result = await check();
  } catch (error) {
    await reservation.settle(isFailure(error) ? 'failed' : 'aborted');
    throw error;
  }
  await reservation.settle('succeeded');
  return result;
}
