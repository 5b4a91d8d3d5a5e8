import { inject, injectable } from 'tsyringe';
import type { CommandContext } from '../../../shared/command-context';
import { loadAggregate, toMetadata } from '../../../shared/decider';
import {
  EVENT_STORE,
  WrongExpectedVersionError,
  type EventStore,
  type ExpectedRevision,
} from '../../../shared/event-store/event-store';
import { userDecider } from '../domain/decide';
import { UserAlreadyExistsError } from '../domain/errors';
import { userStreamName, usernameStreamName, type UserCreationAbandoned, type UsernameReserved } from '../domain/user-events';
import { currentReservation, mayTakeOver, type Reservation } from '../domain/username-reservation';
import { ID_GENERATOR, type IdGenerator } from './ports/id-generator';
import { USERNAME_RESERVATION_POLICY, type UsernameReservationPolicy } from './ports/username-reservation-policy';

const MAX_TAKEOVER_ATTEMPTS = 3;

/**
 * Uniqueness of usernames: `username-<name>` is appended with no_stream, the only atomic check
 * an event store gives. A reservation whose user stream never got its UserCreated (the creator
 * crashed between its two appends) is taken over after a grace period, once that user stream
 * is fenced with UserCreationAbandoned (no_stream), so the crashed creation can never finish.
 */
@injectable()
export class UsernameReservations {
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @inject(USERNAME_RESERVATION_POLICY) private readonly policy: UsernameReservationPolicy,
  ) {}

  async reserve(username: string, userId: string, context: CommandContext): Promise<void> {
    const stream = usernameStreamName(username);
    const reserved: UsernameReserved = { type: 'UsernameReserved', data: { username, userId } };
    const event = { id: this.ids.newEventId(), ...reserved, metadata: toMetadata(context) };
    let expectedRevision: ExpectedRevision = 'no_stream';
    for (let attempt = 0; attempt < MAX_TAKEOVER_ATTEMPTS; attempt++) {
      try {
        await this.store.append(stream, [event], { expectedRevision });
        return;
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
      }
      const holder = currentReservation(await this.store.readStream(stream));
      if (holder === undefined || !(await this.released(holder, username, context))) break;
      expectedRevision = holder.revision;
    }
    throw new UserAlreadyExistsError(username);
  }

  /** Whether the holder's creation is over without a user: fenced now, or by someone before. */
  private async released(holder: Reservation, username: string, context: CommandContext): Promise<boolean> {
    const stream = userStreamName(holder.userId);
    const { state } = await loadAggregate(this.store, userDecider, stream);
    if (state.status !== 'none') return state.status === 'abandoned';
    if (!mayTakeOver(holder, context.now, this.policy.abandonedAfterMs)) return false;
    const fence: UserCreationAbandoned = { type: 'UserCreationAbandoned', data: { userId: holder.userId, username } };
    try {
      await this.store.append(stream, [{ id: this.ids.newEventId(), ...fence, metadata: toMetadata(context) }], {
        expectedRevision: 'no_stream',
      });
      return true;
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      const { state: after } = await loadAggregate(this.store, userDecider, stream);
      return after.status === 'abandoned';
    }
  }
}
