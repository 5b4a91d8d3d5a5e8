import { inject, injectable } from 'tsyringe';
import type { CommandContext } from '../../../shared/command-context';
import { handleCommand } from '../../../shared/decider';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store';
import { userDecider } from '../domain/decide';
import type { CommandResult } from './command-result';
import type { Actor } from '../domain/roles';
import { userStreamName } from '../domain/user-events';
import { ID_GENERATOR, type IdGenerator } from './ports/id-generator';

/**
 * Only the super admin grants the admin role, also to an inactive user.
 * Order: super admin (403) → target (404) → target not super admin (403 "Changing role…");
 * no subordinate or active check; a user who is already admin is a no-op.
 */
@injectable()
export class GrantAdminHandler {
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute(input: { actor: Actor; userId: string }, context: CommandContext): Promise<CommandResult> {
    const userId = input.userId.toLowerCase();
    const command = { type: 'GrantAdmin' as const, data: { userId, actor: input.actor } };
    const { position } = await handleCommand(this.store, userDecider, userStreamName(userId), command, context, {
      eventId: () => this.ids.newEventId(),
    });
    return { position };
  }
}
