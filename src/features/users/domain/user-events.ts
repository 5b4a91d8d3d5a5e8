import type { DomainEvent } from '../../../shared/decider';
import type { Role } from './roles';

/** The roles a UserCreated may carry, for readers of the events outside the feature (projections). */
export { ROLES, isRole } from './roles';

/** Events of a `user-<uuid>` stream. Data is plain JSON: ids and times as strings. */
export type UserCreated = DomainEvent<
  'UserCreated',
  { userId: string; username: string; role: Role; passwordHash: string; createdAt: string }
>;
/**
 * Ends the user's other sessions: every one started until `changedAt` except `sessionId`, the
 * session the change was made in. Events written before that rule have neither field.
 */
export type PasswordChanged = DomainEvent<'PasswordChanged', { userId: string; passwordHash: string; changedAt?: string; sessionId?: string }>;
/** Ends every session the user had started until `setAt` (absent from events written before that rule). */
export type PasswordSet = DomainEvent<'PasswordSet', { userId: string; passwordHash: string; setBy: string; setAt?: string }>;
/** The user logged out everywhere: every session started until `revokedAt` is ended. */
export type SessionsRevoked = DomainEvent<'SessionsRevoked', { userId: string; revokedAt: string }>;
export type AdminGranted = DomainEvent<'AdminGranted', { userId: string }>;
export type AdminRevoked = DomainEvent<'AdminRevoked', { userId: string }>;
export type UserActivated = DomainEvent<'UserActivated', { userId: string }>;
/** Ends every session the user had started before `deactivatedAt`. */
export type UserDeactivated = DomainEvent<'UserDeactivated', { userId: string; deactivatedAt: string }>;
/**
 * Written by a later creation that found this user id named by a username reservation but
 * no UserCreated in its stream (the earlier creation crashed between its two appends). It
 * fences that creation: its UserCreated, appended with no_stream, can no longer succeed.
 */
export type UserCreationAbandoned = DomainEvent<'UserCreationAbandoned', { userId: string; username: string }>;

export type UserEvent =
  | UserCreated
  | PasswordChanged
  | PasswordSet
  | AdminGranted
  | AdminRevoked
  | UserActivated
  | UserDeactivated
  | SessionsRevoked
  | UserCreationAbandoned;

/** Events of a `username-<name>` reservation stream: the name belongs to the last reserver. */
export type UsernameReserved = DomainEvent<'UsernameReserved', { username: string; userId: string }>;

export const userStreamName = (userId: string): string => `user-${userId}`;
export const usernameStreamName = (username: string): string => `username-${username}`;
