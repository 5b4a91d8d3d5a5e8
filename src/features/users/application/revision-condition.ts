import type { HandleCommandOptions } from '../../../shared/decider';
import { WrongExpectedVersionError, type StreamRevision } from '../../../shared/event-store/event-store';
import { UserRevisionMismatchError } from '../domain/errors';
import { userStreamName } from '../domain/user-events';

/**
 * The revisions a write is pinned to (the caller's `If-Match`): the write goes ahead only while
 * the user's stream is at one of them. Undefined: no condition, the write retries a lost race.
 */
export type ExpectedRevisions = readonly StreamRevision[] | undefined;

/** Runs a command on the user's stream under the condition; a stream that moved is the 412. */
export async function underRevisionCondition<T>(
  userId: string,
  expected: ExpectedRevisions,
  run: (options: HandleCommandOptions) => Promise<T>,
): Promise<T> {
  if (expected === undefined) return run({});
  try {
    return await run({ expectedRevision: expected });
  } catch (error) {
    if (error instanceof WrongExpectedVersionError && error.streamName === userStreamName(userId)) throw new UserRevisionMismatchError(userId);
    throw error;
  }
}
