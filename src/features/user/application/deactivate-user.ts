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
 * An administrator deactivates (soft-deletes) a subordinate; the super admin never can be.
 * Order: administrator (403) → target (404) → subordinate (403) → already inactive is a no-op.
 * Every session started until now counts as ended at once; a reaction appends their ends.
 */
@injectable()
export class DeactivateUserHandler {
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute(input: { actor: Actor; userId: string }, context: CommandContext): Promise<CommandResult> {
    const userId = input.userId.toLowerCase();
    const command = {
      type: 'DeactivateUser' as const,
      data: { userId, actor: input.actor, deactivatedAt: context.now.toISOString() },
    };
    const { position } = await handleCommand(this.store, userDecider, userStreamName(userId), command, context, {
      eventId: () => this.ids.newEventId(),
    });
    return { position };
  }
}
