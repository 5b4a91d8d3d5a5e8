// The users feature's public surface: nothing else in it is imported from outside.
import type { Resolve, RouteDefinition } from '../../http/route-definition';
import { accountRoutes } from './adapters/account.routes';
import { userRoutes } from './adapters/user.routes';
import type { Caller } from './domain/roles';

export function usersRoutes(resolve: Resolve): RouteDefinition<Caller>[] {
  return [...accountRoutes(resolve), ...userRoutes(resolve)];
}

export type { Role, Actor, Caller } from './domain/roles';
export { ROLES, isRole, canManageRole, isAdministrator } from './domain/roles';
export type {
  UserEvent,
  UserCreated,
  PasswordChanged,
  PasswordSet,
  AdminGranted,
  AdminRevoked,
  UserActivated,
  UserDeactivated,
  SessionsRevoked,
  UserCreationAbandoned,
  UsernameReserved,
} from './domain/user-events';
export { userStreamName, usernameStreamName } from './domain/user-events';
export { userEventSchemas } from './domain/user-event-schemas';
export type { UserState, ExistingUser } from './domain/user';
export type { UserCommand, CreationOrigin } from './domain/user-commands';
export { userDecider } from './domain/decide';
export { parseUsername, type Username } from './domain/username';
export { assertPasswordRule, sameUtf8Bytes } from './domain/password';
export {
  NotAuthorizedError,
  InvalidUsernameError,
  PasswordTooShortError,
  UserAlreadyExistsError,
  UserNotFoundError,
  RoleChangeNotPermittedError,
  CurrentPasswordInvalidError,
  InvalidSortingFieldError,
  PasswordUnchangedError,
  UserRevisionMismatchError,
  UserNotYetCreatedError,
  UserRevisionNotFoundError,
  TooManyAttemptsError,
  NotASuperAdminError,
} from './domain/errors';

export { PASSWORD_HASHER, type PasswordHasher, type HashOptions } from './application/ports/password-hasher';
export {
  ATTEMPT_THROTTLE,
  type AttemptThrottle,
  type AttemptSource,
  type CheckOutcome,
  type CheckReservation,
} from './application/ports/attempt-throttle';
export { throttledCheck } from './application/throttled-check';
export { NO_CLIENT, type RequestOrigin } from './application/request-origin';
export { ID_GENERATOR, type IdGenerator } from './application/ports/id-generator';
export {
  USER_DIRECTORY_READER,
  sortingFieldAmong,
  type UserDirectoryReader,
  type UserListQuery,
  type UserListItem,
  type UserListPage,
} from './application/ports/user-directory-reader';
export { READ_MODEL_FRESHNESS, type ReadModelFreshness } from './application/ports/read-model-freshness';
export {
  USERNAME_RESERVATION_POLICY,
  defaultUsernameReservationPolicy,
  type UsernameReservationPolicy,
} from './application/ports/username-reservation-policy';

export type { CommandResult } from './application/command-result';
export { UserLookup } from './application/user-lookup';
export { UserRegistration, type NewUser } from './application/user-registration';
export { UsernameReservations } from './application/username-reservations';
export { CreateUserHandler } from './application/create-user';
export { SetUserPasswordHandler } from './application/set-user-password';
export { UserHistoryHandler, ActorNames, assertMayReadHistory, toAuditEvent, type AuditEvent, type AuditActor, type UserHistoryPage } from './application/user-history';
export { UserStateHandler, type StatePoint, type UserStateView } from './application/user-state';
export type { UserWriteResult } from './application/command-result';
export { redactEventData, redactStreamName, sessionHandle } from './application/audit-redaction';
export { readUserAsOf, userView, type AsOf, type UserAsOf } from './application/user-as-of';
export { GrantAdminHandler } from './application/grant-admin';
export { RevokeAdminHandler } from './application/revoke-admin';
export { ActivateUserHandler } from './application/activate-user';
export { DeactivateUserHandler } from './application/deactivate-user';
export { ListUsersHandler, READ_YOUR_WRITES_WAIT_MS, type FreshUserListPage } from './application/list-users';
export { BootstrapSuperAdminHandler } from './application/bootstrap-super-admin';
export { SignUpHandler } from './application/sign-up';
export { ChangePasswordHandler } from './application/change-password';
export { RevokeSessionsHandler } from './application/revoke-sessions';
export { logInBody, type CredentialsBody } from './adapters/account.schemas';
export { auditEventSchema, userIdPath, type UserIdParams } from './adapters/user.schemas';
export * as accountErrorDocs from './adapters/account-error-docs';

export { BcryptPasswordHasher, type BcryptPasswordHasherOptions } from './adapters/bcrypt-password-hasher';
export {
  RateLimiterAttemptThrottle,
  postgresLimiters,
  memoryLimiters,
  ATTEMPT_COUNTERS_TABLE,
  type ThrottlePolicy,
  type LimiterFactory,
} from './adapters/rate-limiter-attempt-throttle';
export { UuidIdGenerator } from './adapters/uuid-id-generator';
