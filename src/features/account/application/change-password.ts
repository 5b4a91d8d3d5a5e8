import { inject, injectable } from 'tsyringe';
import type { CommandContext } from '../../../shared/command-context';
import { handleCommand } from '../../../shared/decider';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store';
import {
  CurrentPasswordInvalidError,
  ID_GENERATOR,
  NotAuthorizedError,
  PASSWORD_HASHER,
  UserLookup,
  assertPasswordRule,
  sameUtf8Bytes,
  userDecider,
  userStreamName,
  type CommandResult,
  type IdGenerator,
  type PasswordHasher,
} from '../../user';
import { PasswordUnchangedError } from '../domain/errors';
import type { Caller } from './session-resolution';

/**
 * The caller changes their own password; other sessions stay valid. Order: current password
 * rule (400) → new password rule (400) → same bytes (400, before any verification) →
 * missing or inactive caller (403) → current password wrong (403 "Invalid password.").
 */
@injectable()
export class ChangePasswordHandler {
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
    private readonly users: UserLookup,
  ) {}

  async execute(
    input: { caller: Caller; currentPassword: string; newPassword: string },
    context: CommandContext,
  ): Promise<CommandResult> {
    const { caller, currentPassword, newPassword } = input;
    assertPasswordRule(currentPassword);
    assertPasswordRule(newPassword);
    if (sameUtf8Bytes(currentPassword, newPassword)) throw new PasswordUnchangedError();
    const user = await this.users.findById(caller.userId);
    if (user === undefined || !user.isActive) throw new NotAuthorizedError();
    if (!(await this.hasher.verify(currentPassword, user.passwordHash))) throw new CurrentPasswordInvalidError();
    const passwordHash = await this.hasher.hash(newPassword);
    // The decider refuses if the hash changed since it was verified, so a race cannot skip the check.
    const { userId, passwordHash: verifiedAgainst } = user;
    const command = { type: 'ChangePassword' as const, data: { userId, passwordHash, verifiedAgainst } };
    const { position } = await handleCommand(this.store, userDecider, userStreamName(userId), command, context, {
      eventId: () => this.ids.newEventId(),
    });
    return { position };
  }
}
