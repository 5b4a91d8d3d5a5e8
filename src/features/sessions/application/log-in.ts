import { inject, injectable } from 'tsyringe';
import type { CommandContext } from '../../../shared/command-context';
import { handleCommand } from '../../../shared/decider';
import { AppError } from '../../../shared/errors';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store';
import {
  PASSWORD_HASHER,
  UserLookup,
  UserNotFoundError,
  assertPasswordRule,
  parseUsername,
  type CommandResult,
  type PasswordHasher,
} from '../../users';
import { sessionStreamName } from '../domain/auth-session-events';
import { authSessionDecider } from '../domain/decide';
import { AccountInactiveError, AuthenticationUnavailableError, InvalidCredentialsError } from '../domain/errors';
import { SESSION_ID_GENERATOR, type SessionIdGenerator } from './ports/session-id-generator';
import { SESSION_POLICY, type SessionPolicy } from './ports/session-policy';
import { TOKEN_CODEC, type TokenCodec } from './ports/token-codec';
import type { IssuedToken } from './session-resolution';

/**
 * Starts a new session (many per user are allowed). Order: username (400) → password (400) →
 * unknown name (404) → wrong password (401) → inactive (401, so a wrong password wins).
 * A session that cannot be stored answers 401 "Authentication is currently unavailable…".
 */
@injectable()
export class LogInHandler {
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @inject(TOKEN_CODEC) private readonly tokens: TokenCodec,
    @inject(SESSION_POLICY) private readonly policy: SessionPolicy,
    @inject(SESSION_ID_GENERATOR) private readonly sessionIds: SessionIdGenerator,
    private readonly users: UserLookup,
  ) {}

  async execute(
    input: { username: string; password: string },
    context: CommandContext,
  ): Promise<IssuedToken & { sessionId: string } & CommandResult> {
    const username = parseUsername(input.username);
    assertPasswordRule(input.password);
    const user = await this.users.findByUsername(username);
    if (user === undefined) throw UserNotFoundError.byUsername(username);
    if (!(await this.hasher.verify(input.password, user.passwordHash))) throw new InvalidCredentialsError();
    if (!user.isActive) throw new AccountInactiveError();

    const sessionId = this.sessionIds.newSessionId();
    const { userId } = user;
    const command = { type: 'StartSession' as const, data: { sessionId, userId, now: context.now, ttlMs: this.policy.ttlMs, maxLifetimeMs: this.policy.maxLifetimeMs } };
    try {
      const { state, position } = await handleCommand(
        this.store,
        authSessionDecider,
        sessionStreamName(sessionId),
        command,
        { ...context, actorId: userId },
        { maxAttempts: 1 },
      );
      const expiresAt = new Date(state.status === 'active' ? state.expiresAt : context.now);
      return { token: this.tokens.issue(sessionId, expiresAt), expiresAt, sessionId, position };
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AuthenticationUnavailableError({ cause: error });
    }
  }
}
