import { inject, injectable } from 'tsyringe';
import type { CommandContext } from '../../../shared/command-context';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store';
import { administerUser, type AdministrationInput } from './administer-user';
import type { UserWriteResult } from './command-result';

/**
 * An administrator reactivates a subordinate. Sessions ended by the deactivation stay ended.
 * Order: administrator (403) → target (404) → subordinate (403) → already active is a no-op.
 */
@injectable()
export class ActivateUserHandler {
  constructor(@inject(EVENT_STORE) private readonly store: EventStore) {}

  execute(input: AdministrationInput, context: CommandContext): Promise<UserWriteResult> {
    return administerUser(this.store, { type: 'ActivateUser', data: { userId: input.userId.toLowerCase(), actor: input.actor } }, context, input.expectedRevisions);
  }
}
