import { inject, injectable } from 'tsyringe';
import type { CommandContext } from '../../../shared/command-context';
import { handle } from '../../../shared/decider';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store';
import { assertAdministrator, assertMayManageUser, userDecider } from '../domain/decide';
import { assertPasswordRule } from '../domain/password';
import type { Actor } from '../domain/roles';
import { userStreamName } from '../domain/user-events';
import type { UserWriteResult } from './command-result';
import { ATTEMPT_THROTTLE, type AttemptThrottle } from './ports/attempt-throttle';
import { underRevisionCondition, type ExpectedRevisions } from './revision-condition';
import { PASSWORD_HASHER, type PasswordHasher } from './ports/password-hasher';
import { NO_CLIENT, type RequestOrigin } from './request-origin';

/**
 * An administrator sets a subordinate's password, which ends all of the target's sessions (read
 * from the PasswordSet by the session check at once; a reaction records each end).
 * Order: administrator (403) → password rule (400, even for an unknown id) → throttle of the
 * target id and the address (429) → target (404) → subordinate (403, self never is) → hash →
 * the `If-Match` revision (412). The hash is computed only once all checks pass.
 */
@injectable()
export class SetUserPasswordHandler {
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @inject(ATTEMPT_THROTTLE) private readonly throttle: AttemptThrottle,
  ) {}

  async execute(
    input: { actor: Actor; userId: string; password: string; expectedRevisions?: ExpectedRevisions; client?: RequestOrigin },
    context: CommandContext,
  ): Promise<UserWriteResult> {
    const { actor, password } = input;
    const userId = input.userId.toLowerCase();
    const { address, signal } = input.client ?? NO_CLIENT;
    assertAdministrator(actor);
    assertPasswordRule(password);
    await this.throttle.countWrite({ account: `user-${userId}`, address });
    const { position, revision } = await underRevisionCondition(userId, input.expectedRevisions, (options) =>
      handle(this.store, userStreamName(userId), userDecider, async (state) => {
        assertMayManageUser(actor, state, userId);
        const passwordHash = await this.hasher.hash(password, { signal });
        return userDecider.decide({ type: 'SetPassword', data: { userId, actor, passwordHash, setAt: context.now.toISOString() } }, state);
      }, context, options),
    );
    // The target was found, so its stream has a revision.
    return { position, revision: revision as bigint };
  }
}
