import { inject, injectable } from 'tsyringe';
import type { CommandContext } from '../../../shared/command-context';
import { handle } from '../../../shared/decider';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store';
import { assertAdministrator, assertMayManageUser, userDecider } from '../domain/decide';
import { assertPasswordRule } from '../domain/password';
import type { Actor } from '../domain/roles';
import { userStreamName } from '../domain/user-events';
import type { UserWriteResult } from './command-result';
import { underRevisionCondition, type ExpectedRevisions } from './revision-condition';
import { PASSWORD_HASHER, type PasswordHasher } from './ports/password-hasher';

/**
 * An administrator sets a subordinate's password; the target's sessions stay valid.
 * Order: administrator (403) → password rule (400, even for an unknown id) → target (404) →
 * subordinate (403, self never is) → hash → the `If-Match` revision (412). The hash is computed
 * only once all checks pass.
 */
@injectable()
export class SetUserPasswordHandler {
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
  ) {}

  async execute(
    input: { actor: Actor; userId: string; password: string; expectedRevisions?: ExpectedRevisions },
    context: CommandContext,
  ): Promise<UserWriteResult> {
    const { actor, password } = input;
    const userId = input.userId.toLowerCase();
    assertAdministrator(actor);
    assertPasswordRule(password);
    const { position, revision } = await underRevisionCondition(userId, input.expectedRevisions, (options) =>
      handle(this.store, userStreamName(userId), userDecider, async (state) => {
        assertMayManageUser(actor, state, userId);
        const passwordHash = await this.hasher.hash(password);
        return userDecider.decide({ type: 'SetPassword', data: { userId, actor, passwordHash } }, state);
      }, context, options),
    );
    // The target was found, so its stream has a revision.
    return { position, revision: revision as bigint };
  }
}
