/**
 * Waiting in tests for a condition rather than for a time: the one polling loop of the suite.
 * The deadline only guards against a hang; no test asserts how fast anything happens.
 */

export interface EventuallyOptions {
  /** How long the condition may take before the test fails (default 10 s). */
  readonly timeoutMs?: number;
  /** Added to the failure message: a process's output, the last state seen. */
  readonly detail?: () => string;
  /** Time between two checks (default 20 ms); longer for probes that are costly to run. */
  readonly intervalMs?: number;
}

/**
 * Checks `probe` until it returns something other than `undefined` or `false`, and resolves with
 * that; fails naming `what` once the deadline has passed. A probe that throws fails the wait at once.
 * A number as `options` is the timeout.
 */
export async function eventually<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  options: number | EventuallyOptions = {},
): Promise<T> {
  const { timeoutMs = 10_000, detail, intervalMs = 20 } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${detail === undefined ? '.' : `:\n${detail()}`}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
