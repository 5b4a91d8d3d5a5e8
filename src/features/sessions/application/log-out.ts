import type { Logger } from 'pino';
import { inject, injectable } from 'tsyringe';
import type { CommandContext } from '../../../shared/command-context';
import { handleCommand } from '../../../shared/decider';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store';
import { LOGGER } from '../../../shared/logger';
import type { Caller, CommandResult } from '../../users';
import { sessionStreamName } from '../domain/auth-session-events';
import { authSessionDecider } from '../domain/decide';

/**
 * Ends only the caller's current session; the user's other sessions stay valid. As in the
 * original, a failure to record the end is logged and the logout still succeeds.
 */
@injectable()
export class LogOutHandler {
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(input: { caller: Caller }, context: CommandContext): Promise<CommandResult> {
    const { sessionId, userId } = input.caller;
    try {
      const command = { type: 'EndSession' as const, data: { reason: 'logout' as const } };
      const { position } = await handleCommand(this.store, authSessionDecider, sessionStreamName(sessionId), command, context);
      return { position };
    } catch (error) {
      this.logger.error({ err: error, userId }, 'logout could not end the session');
      return { position: undefined };
    }
  }
}
