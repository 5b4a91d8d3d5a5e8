import { inject, injectable } from 'tsyringe';
import type { CommandContext } from '../../../shared/command-context';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store';
import { administerUser, type AdministrationInput } from './administer-user';
import type { UserWriteResult } from './command-result';

/**
 * Only the super admin revokes the admin role, also from an inactive user.
 * Order: super admin (403) → target (404) → target not super admin (403 "Changing role…");
 * no subordinate or active check; a plain user is a no-op.
 */
@injectable()
export class RevokeAdminHandler {
  constructor(@inject(EVENT_STORE) private readonly store: EventStore) {}

  execute(input: AdministrationInput, context: CommandContext): Promise<UserWriteResult> {
    return administerUser(this.store, { type: 'RevokeAdmin', data: { userId: input.userId.toLowerCase(), actor: input.actor } }, context, input.expectedRevisions);
  }
}
