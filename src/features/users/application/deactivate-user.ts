import { inject, injectable } from 'tsyringe';
import type { CommandContext } from '../../../shared/command-context';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store';
import { administerUser, type AdministrationInput } from './administer-user';
import type { UserWriteResult } from './command-result';

/**
 * An administrator deactivates (soft-deletes) a subordinate; the super admin never can be.
 * Order: administrator (403) → target (404) → subordinate (403) → already inactive is a no-op.
 * Every session started until now counts as ended at once; a reaction appends their ends.
 */
@injectable()
export class DeactivateUserHandler {
  constructor(@inject(EVENT_STORE) private readonly store: EventStore) {}

  execute(input: AdministrationInput, context: CommandContext): Promise<UserWriteResult> {
    return administerUser(this.store, { type: 'DeactivateUser', data: { userId: input.userId.toLowerCase(), actor: input.actor, deactivatedAt: context.now.toISOString() } }, context, input.expectedRevisions);
  }
}
