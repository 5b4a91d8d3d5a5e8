import type { Logger } from 'pino';
import { inject, injectable } from 'tsyringe';
import type { CommandContext } from '../../../shared/command-context';
import { handleCommand } from '../../../shared/decider';
import { AppError, ServiceUnavailableError } from '../../../shared/errors';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store';
import { LOGGER } from '../../../shared/logger';
import type { Caller, CommandResult } from '../../users';
import { sessionStreamName } from '../domain/auth-session-events';
import { authSessionDecider } from '../domain/decide';

/**
 * Ends only the caller's current session; the user's other sessions stay valid. A failure to
 * record the end answers 503 (the original logged it and answered 204): the session would still
 * be valid, so the client must not be told it logged out.
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
      if (error instanceof AppError && error.kind !== 'unavailable') throw error;
      this.logger.error({ err: error, userId }, 'logout could not end the session');
      throw new ServiceUnavailableError('service.unavailable', { cause: error });
    }
  }
}
