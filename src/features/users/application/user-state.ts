import { inject, injectable } from 'tsyringe';
import { foldRecorded } from '../../../shared/decider';
import { EVENT_STORE, type EventStore, type RecordedEvent, type StreamRevision } from '../../../shared/event-store/event-store';
import { userDecider } from '../domain/decide';
import { NotAuthorizedError, UserNotFoundError, UserNotYetCreatedError, UserRevisionNotFoundError } from '../domain/errors';
import type { Actor } from '../domain/roles';
import { userStreamName } from '../domain/user-events';
import type { UserListItem } from './ports/user-directory-reader';
import { assertMayReadHistory } from './user-history';

/** Which state: the latest, the one after the events recorded at or before a time, or after a revision. */
export type StatePoint = { readonly asOf: Date } | { readonly asOfRevision: StreamRevision } | undefined;

export interface UserStateQuery {
  readonly actor: Actor;
  readonly userId: string;
  readonly at?: StatePoint;
}

/** A user as the list shows one, and the revision of the last event folded into it (its ETag). */
export interface UserStateView {
  readonly user: UserListItem;
  readonly revision: StreamRevision;
}

/**
 * A user's state folded from their own stream (strongly consistent, never a projection), now or
 * as of a moment. Who may read it as for the history, judged on the user as they are now.
 */
@injectable()
export class UserStateHandler {
  constructor(@inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(query: UserStateQuery): Promise<UserStateView> {
    const { actor, at } = query;
    const userId = query.userId.toLowerCase();
    if (actor.role === 'user' && actor.userId !== userId) throw new NotAuthorizedError();
    const recorded = await this.store.readStream(userStreamName(userId));
    const now = foldRecorded(userDecider, recorded);
    assertMayReadHistory(actor, now.state.status === 'existing' ? now.state : undefined, userId);
    const { state, revision } = foldRecorded(userDecider, eventsUpTo(recorded, at, userId));
    if (state.status !== 'existing' || revision === undefined) {
      // The first event of an existing user's stream creates them: only a moment can come before it.
      throw at !== undefined && 'asOf' in at ? new UserNotYetCreatedError(userId, at.asOf) : UserNotFoundError.byId(userId);
    }
    return { user: { id_: state.userId, username: state.username, role: state.role, is_active: state.isActive }, revision };
  }
}

/** The stream's prefix up to the point; a revision past the head is a 404. */
function eventsUpTo(recorded: readonly RecordedEvent[], at: StatePoint, userId: string): readonly RecordedEvent[] {
  if (at === undefined) return recorded;
  if ('asOfRevision' in at) {
    const head = recorded.at(-1)?.revision ?? -1n;
    if (at.asOfRevision > head) throw new UserRevisionNotFoundError(userId, at.asOfRevision, head);
    return recorded.filter((event) => event.revision <= at.asOfRevision);
  }
  // The store's recorded times, to the millisecond; the first event after the moment ends the prefix.
  const after = recorded.findIndex((event) => event.recordedAt.getTime() > at.asOf.getTime());
  return after < 0 ? recorded : recorded.slice(0, after);
}
