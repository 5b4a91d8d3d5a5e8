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
 * An administrator reactivates a subordinate. Sessions ended by the deactivation stay ended.
 * Order: administrator (403) → target (404) → subordinate (403) → already active is a no-op.
 */
@injectable()
export class ActivateUserHandler {
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute(input: { actor: Actor; userId: string }, context: CommandContext): Promise<CommandResult> {
    const userId = input.userId.toLowerCase();
    const command = { type: 'ActivateUser' as const, data: { userId, actor: input.actor } };
    const { position } = await handleCommand(this.store, userDecider, userStreamName(userId), command, context, {
      eventId: () => this.ids.newEventId(),
    });
    return { position };
  }
}
