import { inject, injectable } from 'tsyringe';
import type { CommandContext } from '../../../shared/command-context';
import { handleCommand } from '../../../shared/decider';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store';
import { assertMayCreate, userDecider } from '../domain/decide';
import { UserAlreadyExistsError } from '../domain/errors';
import { assertPasswordRule } from '../domain/password';
import type { Role } from '../domain/roles';
import type { CreationOrigin } from '../domain/user-commands';
import { userStreamName } from '../domain/user-events';
import { parseUsername } from '../domain/username';
import { ID_GENERATOR, type IdGenerator } from './ports/id-generator';
import { ATTEMPT_THROTTLE, type AttemptThrottle } from './ports/attempt-throttle';
import { PASSWORD_HASHER, type PasswordHasher } from './ports/password-hasher';
import { NO_CLIENT, type RequestOrigin } from './request-origin';
import { UserLookup } from './user-lookup';
import { UsernameReservations } from './username-reservations';

export interface NewUser {
  readonly username: string;
  readonly password: string;
  readonly role: Role;
  readonly origin: CreationOrigin;
  /** The request's client: a sign-up is throttled by its address, and dropped when it goes. */
  readonly client?: RequestOrigin;
}

/**
 * Creates a user for an administrator, a sign-up or the bootstrap: reserve the name, then
 * write `user-<id>` with no_stream (which fails if the reservation was taken over meanwhile).
 * Checks: permission for the role → username rules → password rule → a sign-up's throttle
 * (429) → taken (409) → hash. Sign-ups hash in a budget of their own.
 */
@injectable()
export class UserRegistration {
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @inject(ATTEMPT_THROTTLE) private readonly throttle: AttemptThrottle,
    private readonly lookup: UserLookup,
    private readonly reservations: UsernameReservations,
  ) {}

  async register(input: NewUser, context: CommandContext): Promise<{ id: string; position: bigint }> {
    const { role, origin } = input;
    assertMayCreate(origin, role);
    const username = parseUsername(input.username);
    assertPasswordRule(input.password);
    const signingUp = origin.kind === 'sign_up';
    const client = input.client ?? NO_CLIENT;
    if (signingUp) await this.throttle.countWrite({ account: username, address: client.address });
    if ((await this.lookup.findByUsername(username)) !== undefined) throw new UserAlreadyExistsError(username);
    const passwordHash = await this.hasher.hash(input.password, { budget: signingUp ? 'sign_up' : 'shared', signal: client.signal });
    const userId = this.ids.newUserId();
    // A signing-up user acts on their own behalf: the audit trail names them.
    const ctx = signingUp ? { ...context, actorId: userId } : context;

    await this.reservations.reserve(username, userId, ctx);
    const createdAt = ctx.now.toISOString();
    const command = { type: 'CreateUser' as const, data: { userId, username, role, passwordHash, createdAt, origin } };
    const { position } = await handleCommand(this.store, userDecider, userStreamName(userId), command, ctx);
    if (position === undefined) throw new UserAlreadyExistsError(username);
    return { id: userId, position };
  }
}
