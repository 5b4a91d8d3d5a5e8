import { inject, injectable } from 'tsyringe';
import type { CommandContext } from '../../../shared/command-context';
import { handleCommand } from '../../../shared/decider';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store';
import { userDecider } from '../domain/decide';
import type { Actor } from '../domain/roles';
import { userStreamName } from '../domain/user-events';
import type { CommandResult } from './command-result';

/**
 * Log out everywhere: a SessionsRevoked in the caller's own stream, which the session check
 * reads on every request, so each session ends at once whatever the sessions index has seen.
 */
@injectable()
export class RevokeSessionsHandler {
  constructor(@inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(input: { caller: Actor }, context: CommandContext): Promise<CommandResult> {
    const { userId } = input.caller;
    const command = { type: 'RevokeSessions' as const, data: { userId, revokedAt: context.now.toISOString() } };
    const { position } = await handleCommand(this.store, userDecider, userStreamName(userId), command, context);
    return { position };
  }
}
