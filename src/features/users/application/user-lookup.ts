import { inject, injectable } from 'tsyringe';
import { loadAggregate } from '../../../shared/decider';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store';
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
    const { state } = await loadAggregate(this.store, userDecider, userStreamName(userId.toLowerCase()));
    return state.status === 'existing' ? state : undefined;
  }

  async findByUsername(username: string): Promise<ExistingUser | undefined> {
    const reservation = currentReservation(await this.store.readStream(usernameStreamName(username)));
    if (reservation === undefined) return undefined;
    const user = await this.findById(reservation.userId);
    return user?.username === username ? user : undefined;
  }
}
