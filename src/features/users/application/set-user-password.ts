import { inject, injectable } from 'tsyringe';
import type { CommandContext } from '../../../shared/command-context';
import { handle } from '../../../shared/decider';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store';
import { assertAdministrator, assertMayManageUser, userDecider } from '../domain/decide';
import { assertPasswordRule } from '../domain/password';
import type { Actor } from '../domain/roles';
import { userStreamName } from '../domain/user-events';
import type { CommandResult } from './command-result';
import { PASSWORD_HASHER, type PasswordHasher } from './ports/password-hasher';

/**
 * An administrator sets a subordinate's password, which ends all of the target's sessions (read
 * from the PasswordSet by the session check at once; a reaction records each end).
 * Order: administrator (403) → password rule (400, even for an unknown id) → target (404) →
 * subordinate (403, self never is) → hash. The hash is computed only once all checks pass.
 */
@injectable()
export class SetUserPasswordHandler {
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
  ) {}

  async execute(input: { actor: Actor; userId: string; password: string }, context: CommandContext): Promise<CommandResult> {
    const { actor, password } = input;
    const userId = input.userId.toLowerCase();
    assertAdministrator(actor);
    assertPasswordRule(password);
    const { position } = await handle(this.store, userStreamName(userId), userDecider, async (state) => {
      assertMayManageUser(actor, state, userId);
      const passwordHash = await this.hasher.hash(password);
      return userDecider.decide({ type: 'SetPassword', data: { userId, actor, passwordHash, setAt: context.now.toISOString() } }, state);
    }, context);
    return { position };
  }
}
