import { inject, injectable } from 'tsyringe';
import type { CommandContext } from '../../../shared/command-context';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store';
import { administerUser, type AdministrationInput } from './administer-user';
import type { UserWriteResult } from './command-result';

/**
 * Only the super admin grants the admin role, also to an inactive user.
 * Order: super admin (403) → target (404) → target not super admin (403 "Changing role…");
 * no subordinate or active check; a user who is already admin is a no-op.
 */
@injectable()
export class GrantAdminHandler {
  constructor(@inject(EVENT_STORE) private readonly store: EventStore) {}

  execute(input: AdministrationInput, context: CommandContext): Promise<UserWriteResult> {
    return administerUser(this.store, { type: 'GrantAdmin', data: { userId: input.userId.toLowerCase(), actor: input.actor } }, context, input.expectedRevisions);
  }
}
