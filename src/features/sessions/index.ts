import type { Resolve, RouteDefinition } from '../../http/route-definition';
import type { Caller } from '../users';
import { sessionRoutes } from './adapters/session.routes';

export function sessionsRoutes(resolve: Resolve): RouteDefinition<Caller>[] {
  return sessionRoutes(resolve);
}

export type { IssuedToken, SessionResolution } from './application/session-resolution';
export { sessionAuthenticator, type SessionResolver } from './adapters/authenticate';
export type {
  AuthSessionEvent,
  SessionStarted,
  SessionExtended,
  SessionEnded,
  SessionEndReason,
} from './domain/auth-session-events';
export { sessionStreamName } from './domain/auth-session-events';
export { authSessionEventSchemas } from './domain/auth-session-event-schemas';
export type { AuthSessionState } from './domain/auth-session';
export { authSessionDecider } from './domain/decide';
export {
  NotAuthenticatedError,
  AlreadyAuthenticatedError,
  InvalidCredentialsError,
  AccountInactiveError,
  AuthenticationUnavailableError,
} from './domain/errors';

export { TOKEN_CODEC, type TokenCodec } from './application/ports/token-codec';
export { SESSION_POLICY, type SessionPolicy } from './application/ports/session-policy';
export { USER_SESSIONS_INDEX, type UserSessionsIndex, type IndexedSessions } from './application/ports/user-sessions-index';
export { SESSION_ID_GENERATOR, type SessionIdGenerator } from './application/ports/session-id-generator';

export { ResolveSessionHandler } from './application/resolve-session';
export { LogInHandler } from './application/log-in';
export { LogOutHandler } from './application/log-out';
export { UserSessionHistoryHandler, sessionHistoryItem, bySessionStart, type SessionHistoryItem } from './application/user-session-history';
export { EndSessionsOnUserDeactivated, END_SESSIONS_ACTOR } from './application/end-sessions-on-user-deactivated';
export { EndSessionsOnSessionsRevoked, END_REVOKED_SESSIONS_ACTOR } from './application/end-sessions-on-sessions-revoked';
export { UserSessionsEnder, type EndSessionsRequest } from './application/user-sessions-ender';

export { JwtTokenCodec } from './adapters/jwt-token-codec';
export { CryptoSessionIdGenerator } from './adapters/crypto-session-id-generator';
