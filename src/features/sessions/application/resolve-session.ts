import type { Logger } from 'pino';
import { inject, injectable } from 'tsyringe';
import type { CommandContext } from '../../../shared/command-context';
import { foldRecorded, handleCommand } from '../../../shared/decider';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store';
import { LOGGER } from '../../../shared/logger';
import { UserLookup, type ExistingUser } from '../../users';
import { sessionStreamName } from '../domain/auth-session-events';
import { authSessionDecider } from '../domain/decide';
import { endedByUser, isSessionId, liveSession, renewedExpiry, type LiveSession, type UserSessionCutoffs } from '../domain/session-validity';
import { SESSION_POLICY, type SessionPolicy } from './ports/session-policy';
import { TOKEN_CODEC, type TokenCodec } from './ports/token-codec';
import { SessionOwners } from './session-owners';
import type { IssuedToken, SessionResolution } from './session-resolution';
import { UserSessionsEnder } from './user-sessions-ender';

const ANONYMOUS: SessionResolution = { status: 'anonymous' };

/**
 * Resolves the caller of every request from the token, the session stream and the user
 * stream (never a projection), so that logout, deactivation, demotion, a password change and
 * log-out everywhere bite at once. A live session of a missing or inactive user ends all of
 * that user's sessions (forbidden). Inside the last threshold part of the TTL the session
 * slides, never past the cap; a failed renewal keeps the old expiry.
 */
@injectable()
export class ResolveSessionHandler {
  private readonly owners = new SessionOwners();

  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(TOKEN_CODEC) private readonly tokens: TokenCodec,
    @inject(SESSION_POLICY) private readonly policy: SessionPolicy,
    @inject(LOGGER) private readonly logger: Logger,
    private readonly users: UserLookup,
    private readonly ender: UserSessionsEnder,
  ) {}

  async execute(input: { token: string | undefined }, context: CommandContext): Promise<SessionResolution> {
    const claims = input.token ? this.tokens.decode(input.token, context.now) : null;
    // Even a signed token may name an id the service never makes (a NUL byte): it could only fail in the store.
    if (claims === null || !isSessionId(claims.sessionId)) return ANONYMOUS;
    const { session, user } = await this.read(claims.sessionId, context.now);
    if (session === undefined) return ANONYMOUS;
    if (user !== undefined && endedByUser(session, cutoffsOf(user))) return ANONYMOUS;
    if (user === undefined || !user.isActive) {
      const request = { userId: session.userId, reason: 'user_unavailable' as const, alsoSessionIds: [session.sessionId] };
      await this.ender.endAll(request, { ...context, actorId: 'system:resolve-session' });
      this.logger.info({ userId: session.userId }, 'sessions of a missing or inactive user ended');
      return { status: 'forbidden' };
    }
    const caller = { userId: user.userId, role: user.role, username: user.username, sessionId: session.sessionId };
    const renewed = await this.renew(session, user, context);
    return renewed === undefined ? { status: 'authenticated', caller } : { status: 'authenticated', caller, renewed };
  }

  /**
   * The session and its user, both from their streams. The user's stream is read in the same
   * round trip as the session's when the session's owner is already known (it never changes),
   * and after it otherwise.
   */
  private async read(sessionId: string, now: Date): Promise<{ session: LiveSession | undefined; user: ExistingUser | undefined }> {
    const sessionStream = sessionStreamName(sessionId);
    const knownOwner = this.owners.get(sessionId);
    const [sessionEvents = [], userEvents] =
      knownOwner === undefined
        ? [await this.store.readStream(sessionStream)]
        : await this.store.readStreams([{ streamName: sessionStream }, { streamName: this.users.streamOf(knownOwner) }]);
    const session = liveSession(foldRecorded(authSessionDecider, sessionEvents).state, now, this.policy.maxLifetimeMs);
    if (session === undefined) return { session, user: undefined };
    this.owners.remember(sessionId, session.userId);
    const user = knownOwner === session.userId && userEvents !== undefined ? this.users.userIn(userEvents) : await this.users.findById(session.userId);
    return { session, user };
  }

  private async renew(session: LiveSession, user: ExistingUser, context: CommandContext): Promise<IssuedToken | undefined> {
    // Outside the renewal window, or at the cap: no renewal, and no second read of the stream.
    if (renewedExpiry(session, context.now, this.policy) === undefined) return undefined;
    const { ttlMs, refreshThreshold, maxLifetimeMs } = this.policy;
    try {
      const outcome = await handleCommand(
        this.store,
        authSessionDecider,
        sessionStreamName(session.sessionId),
        { type: 'ExtendSession', data: { now: context.now, ttlMs, refreshThreshold, maxLifetimeMs } },
        { ...context, actorId: user.userId },
        { maxAttempts: 1 },
      );
      if (outcome.state.status !== 'active' || outcome.events.length === 0) return undefined;
      const expiresAt = new Date(outcome.state.expiresAt);
      return { token: this.tokens.issue(session.sessionId, expiresAt), expiresAt };
    } catch (error) {
      this.logger.warn({ err: error, userId: user.userId }, 'session renewal failed; the old expiry stays');
      return undefined;
    }
  }
}

function cutoffsOf(user: ExistingUser): UserSessionCutoffs {
  return { endedUntil: [user.lastDeactivatedAt, user.sessionsEndedUntil], endedUntilExcept: user.lastPasswordChange };
}
