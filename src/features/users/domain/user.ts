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
      return state.status === 'existing' ? evolveExisting(state, event) : state;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

function evolveExisting(state: ExistingUser, event: UserEvent): ExistingUser {
  switch (event.type) {
    case 'PasswordChanged':
    case 'PasswordSet':
      return { ...state, passwordHash: event.data.passwordHash };
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
