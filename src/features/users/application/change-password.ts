import { inject, injectable } from 'tsyringe';
import type { CommandContext } from '../../../shared/command-context';
import { handle } from '../../../shared/decider';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store';
import { userDecider } from '../domain/decide';
import { CurrentPasswordInvalidError, NotAuthorizedError, PasswordUnchangedError } from '../domain/errors';
import { assertPasswordRule, sameUtf8Bytes } from '../domain/password';
import type { Caller } from '../domain/roles';
import { userStreamName } from '../domain/user-events';
import type { CommandResult } from './command-result';
import { ATTEMPT_THROTTLE, type AttemptThrottle } from './ports/attempt-throttle';
import { PASSWORD_HASHER, type PasswordHasher } from './ports/password-hasher';
import { NO_CLIENT, type RequestOrigin } from './request-origin';
import { throttledCheck } from './throttled-check';

/**
 * The caller changes their own password, which ends their other sessions (the PasswordChanged
 * names the session it was made in; the session check reads it from the user stream, so the
 * others end at once, and a reaction records their ends). Order: current password
 * rule (400) → new password rule (400) → same bytes (400, before any verification) →
 * throttle of the caller's name and address (429, as log-in's: a wrong current password counts
 * as a failure) → missing or inactive caller (403) → current password wrong (403 "Invalid password.").
 */
@injectable()
export class ChangePasswordHandler {
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @inject(ATTEMPT_THROTTLE) private readonly throttle: AttemptThrottle,
  ) {}

  async execute(
    input: { caller: Caller; currentPassword: string; newPassword: string; client?: RequestOrigin },
    context: CommandContext,
  ): Promise<CommandResult> {
    const { caller, currentPassword, newPassword } = input;
    assertPasswordRule(currentPassword);
    assertPasswordRule(newPassword);
    if (sameUtf8Bytes(currentPassword, newPassword)) throw new PasswordUnchangedError();
    const { userId } = caller;
    const { address, signal } = input.client ?? NO_CLIENT;
    const source = { account: caller.username, address };
    const { position } = await throttledCheck(this.throttle, source, (error) => error instanceof CurrentPasswordInvalidError, () =>
      handle(this.store, userStreamName(userId), userDecider, async (user) => {
        if (user.status !== 'existing' || !user.isActive) throw new NotAuthorizedError();
        if (!(await this.hasher.verify(currentPassword, user.passwordHash, { signal }))) throw new CurrentPasswordInvalidError();
        const passwordHash = await this.hasher.hash(newPassword, { signal });
        // Verified against the state this decision appends to: a concurrent change fails its append.
        const data = { userId, passwordHash, verifiedAgainst: user.passwordHash, sessionId: caller.sessionId, changedAt: context.now.toISOString() };
        return userDecider.decide({ type: 'ChangePassword', data }, user);
      }, context),
    );
    return { position };
  }
}
