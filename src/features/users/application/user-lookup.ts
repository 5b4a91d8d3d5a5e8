import { inject, injectable } from 'tsyringe';
import { foldRecorded } from '../../../shared/decider';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../../shared/event-store/event-store';
import { userDecider } from '../domain/decide';
import type { ExistingUser } from '../domain/user';
import { userStreamName, usernameStreamName } from '../domain/user-events';
import { currentReservation } from '../domain/username-reservation';

/**
 * Finds users in their streams, never in a projection, so that authentication and
 * authorization see every write that came before. By name: the reservation names the id.
 */
@injectable()
export class UserLookup {
  constructor(@inject(EVENT_STORE) private readonly store: EventStore) {}

  async findById(userId: string): Promise<ExistingUser | undefined> {
    return this.userIn(await this.store.readStream(this.streamOf(userId)));
  }

  /** The stream findById reads, for a caller that reads it together with others in one round trip. */
  streamOf(userId: string): string {
    return userStreamName(userId.toLowerCase());
  }

  /** The user its stream's events describe, as findById answers it. */
  userIn(recorded: readonly RecordedEvent[]): ExistingUser | undefined {
    const { state } = foldRecorded(userDecider, recorded);
    return state.status === 'existing' ? state : undefined;
  }

  async findByUsername(username: string): Promise<ExistingUser | undefined> {
    const reservation = currentReservation(await this.store.readStream(usernameStreamName(username)));
    if (reservation === undefined) return undefined;
    const user = await this.findById(reservation.userId);
    return user?.username === username ? user : undefined;
  }
}
