import { UserLookup, userStreamName } from '../../src/features/users';
import type { EventStore } from '../../src/shared/event-store/event-store';
import { NotFoundError } from './audit-errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AuditedUser {
  readonly userId: string;
  /** How the user was named on the command line, for messages. */
  readonly label: string;
}

/**
 * A user id, or a username (usernames are 5 to 20 characters, so never a UUID), found in the
 * streams: a name through its `username-<name>` reservation, which is always complete, where the
 * users projection may lag. An id is found when its stream has any event, so that an auditor also
 * sees the stream of a creation that was abandoned.
 */
export async function findUser(store: EventStore, argument: string): Promise<AuditedUser> {
  if (UUID.test(argument)) {
    const userId = argument.toLowerCase();
    const [first] = await store.readStream(userStreamName(userId), { maxCount: 1 });
    if (first === undefined) throw new NotFoundError(`No user with id ${userId}.`);
    return { userId, label: userId };
  }
  const user = await new UserLookup(store).findByUsername(argument);
  if (user === undefined) throw new NotFoundError(`No user named '${argument}'.`);
  return { userId: user.userId, label: `${argument} (${user.userId})` };
}
