import { inject, injectable } from 'tsyringe';
import type { CommandContext } from '../../../shared/command-context';
import { handleCommand, loadAggregate, toMetadata } from '../../../shared/decider';
import {
  EVENT_STORE,
  WrongExpectedVersionError,
  type EventStore,
  type ExpectedRevision,
} from '../../../shared/event-store/event-store';
import { assertMayCreate, userDecider } from '../domain/decide';
import { UserAlreadyExistsError } from '../domain/errors';
import { assertPasswordRule } from '../domain/password';
import type { Role } from '../domain/roles';
import type { CreationOrigin } from '../domain/user-commands';
import { userStreamName, usernameStreamName, type UserCreationAbandoned, type UsernameReserved } from '../domain/user-events';
import { parseUsername } from '../domain/username';
import { currentReservation, mayTakeOver, type Reservation } from '../domain/username-reservation';
import { ID_GENERATOR, type IdGenerator } from './ports/id-generator';
import { PASSWORD_HASHER, type PasswordHasher } from './ports/password-hasher';
import { USERNAME_RESERVATION_POLICY, type UsernameReservationPolicy } from './ports/username-reservation-policy';
import { UserLookup } from './user-lookup';

export interface NewUser {
  readonly username: string;
  readonly password: string;
  readonly role: Role;
  readonly origin: CreationOrigin;
}

const MAX_TAKEOVER_ATTEMPTS = 3;

/**
 * Creates a user across two streams: reserve `username-<name>` (no_stream: the only atomic
 * uniqueness check), then write `user-<id>` (no_stream). A reservation whose user never
 * appeared is taken over after a grace period, once its user stream is fenced with
 * UserCreationAbandoned, so that exactly one creation per name ever succeeds.
 * Checks: permission for the role → username rules → password rule → taken (409) → hash.
 */
@injectable()
export class UserRegistration {
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @inject(USERNAME_RESERVATION_POLICY) private readonly policy: UsernameReservationPolicy,
    private readonly lookup: UserLookup,
  ) {}

  async register(input: NewUser, context: CommandContext): Promise<{ id: string; position: bigint }> {
    assertMayCreate(input.origin, input.role);
    const username = parseUsername(input.username);
    assertPasswordRule(input.password);
    if ((await this.lookup.findByUsername(username)) !== undefined) throw new UserAlreadyExistsError(username);
    const passwordHash = await this.hasher.hash(input.password);
    const userId = this.ids.newUserId();
    // A signing-up user acts on their own behalf: the audit trail names them.
    const ctx = input.origin.kind === 'sign_up' ? { ...context, actorId: userId } : context;

    await this.reserve(username, userId, ctx);
    const createdAt = ctx.now.toISOString();
    const { position } = await handleCommand(
      this.store,
      userDecider,
      userStreamName(userId),
      { type: 'CreateUser', data: { userId, username, role: input.role, passwordHash, createdAt, origin: input.origin } },
      ctx,
      { eventId: () => this.ids.newEventId() },
    );
    return { id: userId, position: position as bigint };
  }

  private async reserve(username: string, userId: string, context: CommandContext): Promise<void> {
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
