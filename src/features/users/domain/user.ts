import type { Role } from './roles';
import type { UserEvent } from './user-events';

/** A user as its stream defines it. `abandoned`: the stream was fenced after a crashed creation. */
export type UserState =
  | { readonly status: 'none' }
  | { readonly status: 'abandoned'; readonly userId: string; readonly username: string }
  | {
      readonly status: 'existing';
      readonly userId: string;
      readonly username: string;
      readonly role: Role;
      readonly passwordHash: string;
      readonly isActive: boolean;
      /** ISO time of the last deactivation: sessions started until then count as ended. */
      readonly lastDeactivatedAt: string | undefined;
      /** Sessions started until then count as ended: the last password set by an admin, or log-out everywhere. */
      readonly sessionsEndedUntil: string | undefined;
      /** The user's last own password change: sessions started until then, but the one it was made in, count as ended. */
      readonly lastPasswordChange: { readonly at: string; readonly keptSessionId: string } | undefined;
    };

export type ExistingUser = Extract<UserState, { status: 'existing' }>;

export const initialState = (): UserState => ({ status: 'none' });

export function evolve(state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'UserCreated':
      return {
        status: 'existing',
        userId: event.data.userId,
        username: event.data.username,
        role: event.data.role,
        passwordHash: event.data.passwordHash,
        isActive: true,
        lastDeactivatedAt: undefined,
        sessionsEndedUntil: undefined,
        lastPasswordChange: undefined,
      };
    case 'UserCreationAbandoned':
      return state.status === 'none'
        ? { status: 'abandoned', userId: event.data.userId, username: event.data.username }
        : state;
    case 'PasswordChanged':
    case 'PasswordSet':
    case 'AdminGranted':
    case 'AdminRevoked':
    case 'UserActivated':
    case 'UserDeactivated':
    case 'SessionsRevoked':
      return state.status === 'existing' ? evolveExisting(state, event) : state;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

function later(current: string | undefined, candidate: string | undefined): string | undefined {
  if (candidate === undefined) return current;
  return current === undefined || Date.parse(candidate) > Date.parse(current) ? candidate : current;
}

function evolveExisting(state: ExistingUser, event: UserEvent): ExistingUser {
  switch (event.type) {
    case 'PasswordChanged': {
      const { passwordHash, changedAt, sessionId } = event.data;
      const lastPasswordChange = changedAt !== undefined && sessionId !== undefined ? { at: changedAt, keptSessionId: sessionId } : state.lastPasswordChange;
      return { ...state, passwordHash, lastPasswordChange };
    }
    case 'PasswordSet':
      return { ...state, passwordHash: event.data.passwordHash, sessionsEndedUntil: later(state.sessionsEndedUntil, event.data.setAt) };
    case 'SessionsRevoked':
      return { ...state, sessionsEndedUntil: later(state.sessionsEndedUntil, event.data.revokedAt) };
    case 'AdminGranted':
      return { ...state, role: 'admin' };
    case 'AdminRevoked':
      return { ...state, role: 'user' };
    case 'UserActivated':
      return { ...state, isActive: true };
    case 'UserDeactivated':
      return { ...state, isActive: false, lastDeactivatedAt: event.data.deactivatedAt };
    case 'UserCreated':
    case 'UserCreationAbandoned':
      return state;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
