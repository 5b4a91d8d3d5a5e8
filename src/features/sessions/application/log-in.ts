import { inject, injectable } from 'tsyringe';
import type { CommandContext } from '../../../shared/command-context';
import { handleCommand } from '../../../shared/decider';
import { AppError } from '../../../shared/errors';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store';
import {
  ATTEMPT_THROTTLE,
  PASSWORD_HASHER,
  UserLookup,
  UserNotFoundError,
  assertPasswordRule,
  parseUsername,
  throttledCheck,
  type AttemptThrottle,
  type CommandResult,
  type PasswordHasher,
  NO_CLIENT,
  type RequestOrigin,
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
 * throttle (429) → unknown name (404) → wrong password (401) → inactive (401, so a wrong
 * password wins). The unknown name, the wrong password and the inactive account count as
 * failures of the account's name. A session that cannot be stored answers 401
 * "Authentication is currently unavailable…".
 */
@injectable()
export class LogInHandler {
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @inject(TOKEN_CODEC) private readonly tokens: TokenCodec,
    @inject(SESSION_POLICY) private readonly policy: SessionPolicy,
    @inject(SESSION_ID_GENERATOR) private readonly sessionIds: SessionIdGenerator,
    @inject(ATTEMPT_THROTTLE) private readonly throttle: AttemptThrottle,
    private readonly users: UserLookup,
  ) {}

  async execute(
    input: { username: string; password: string; client?: RequestOrigin },
    context: CommandContext,
  ): Promise<IssuedToken & { sessionId: string } & CommandResult> {
    const username = parseUsername(input.username);
    assertPasswordRule(input.password);
    const { address, signal } = input.client ?? NO_CLIENT;
    const user = await throttledCheck(this.throttle, { account: username, address }, isLogInFailure, async () => {
      const found = await this.users.findByUsername(username);
      if (found === undefined) throw UserNotFoundError.byUsername(username);
      if (!(await this.hasher.verify(input.password, found.passwordHash, { signal }))) throw new InvalidCredentialsError();
      if (!found.isActive) throw new AccountInactiveError();
      return found;
    });

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

const isLogInFailure = (error: unknown): boolean =>
  error instanceof UserNotFoundError || error instanceof InvalidCredentialsError || error instanceof AccountInactiveError;
