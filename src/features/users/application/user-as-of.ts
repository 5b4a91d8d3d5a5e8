import type { EventStore, RecordedEvent, StreamRevision } from '../../../shared/event-store/event-store';
import { streamPages } from '../../../shared/event-store/read-in-pages';
import { userDecider } from '../domain/decide';
import type { ExistingUser, UserState } from '../domain/user';
import type { UserEvent } from '../domain/user-events';
import { userStreamName } from '../domain/user-events';
import type { UserListItem } from './ports/user-directory-reader';

/** A point in a user's stream: the events recorded at or before a time, or up to a revision (inclusive). */
export type AsOf = { readonly time: Date } | { readonly revision: StreamRevision };

export interface UserAsOf {
  readonly state: UserState;
  /** The revision of the last event folded; undefined when none was. */
  readonly revision: StreamRevision | undefined;
  readonly recordedAt: Date | undefined;
  /** A revision was asked for that the stream has not reached. */
  readonly pastTheEnd: boolean;
}

function within(event: RecordedEvent, asOf: AsOf): boolean {
  return 'revision' in asOf ? event.revision <= asOf.revision : event.recordedAt.getTime() <= asOf.time.getTime();
}

/**
 * The user as its stream stood at that point. The fold takes the longest prefix of the stream
 * inside the point, so that it is always a state the user really had, and it stops reading at
 * the first event past it.
 */
export async function readUserAsOf(store: EventStore, userId: string, asOf: AsOf): Promise<UserAsOf> {
  let state = userDecider.initialState();
  let last: RecordedEvent | undefined;
  reading: for await (const page of streamPages(store, userStreamName(userId.toLowerCase()))) {
    for (const event of page) {
      if (!within(event, asOf)) break reading;
      state = userDecider.evolve(state, event as unknown as UserEvent);
      last = event;
    }
  }
  const pastTheEnd = 'revision' in asOf && (last === undefined || last.revision < asOf.revision);
  return { state, revision: last?.revision, recordedAt: last?.recordedAt, pastTheEnd };
}

/** A user as the API shows one: never its password hash. */
export function userView(user: ExistingUser): UserListItem {
  return { id_: user.userId, username: user.username, role: user.role, is_active: user.isActive };
}
