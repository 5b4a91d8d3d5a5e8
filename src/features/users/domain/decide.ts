import type { Decider } from '../../../shared/decider';
import {
  CurrentPasswordInvalidError,
  NotAuthorizedError,
  RoleChangeNotPermittedError,
  UserAlreadyExistsError,
  UserNotFoundError,
} from './errors';
import { canManageRole, canManageSubordinate, isAdministrator, isChangeableRole, type Actor, type Role } from './roles';
import { evolve, initialState, type ExistingUser, type UserState } from './user';
import type { CreationOrigin, UserCommand } from './user-commands';
import type { UserEvent } from './user-events';
import { parseUsername } from './username';

/** The permission to create a user of `role`; checked before any username or password rule. */
export function assertMayCreate(origin: CreationOrigin, role: Role): void {
  const allowed =
    origin.kind === 'administrator'
      ? canManageRole(origin.actor.role, role)
      : origin.kind === 'sign_up'
        ? role === 'user'
        : role === 'super_admin';
  if (!allowed) throw new NotAuthorizedError();
}

/** Admin and super_admin may manage users at all; everyone else is refused first. */
export function assertAdministrator(actor: Actor): void {
  if (!isAdministrator(actor.role)) throw new NotAuthorizedError();
}

export function assertMayManageAdminRole(actor: Actor): void {
  if (!canManageRole(actor.role, 'admin')) throw new NotAuthorizedError();
}

export function requireUser(state: UserState, userId: string): ExistingUser {
  if (state.status !== 'existing') throw UserNotFoundError.byId(userId);
  return state;
}

/** Administrator → target exists → target is a subordinate (self never is). */
export function assertMayManageUser(actor: Actor, state: UserState, userId: string): ExistingUser {
  assertAdministrator(actor);
  const user = requireUser(state, userId);
  if (!canManageSubordinate(actor, user)) throw new NotAuthorizedError();
  return user;
}

function changeableTarget(actor: Actor, state: UserState, userId: string): ExistingUser {
  assertMayManageAdminRole(actor);
  const user = requireUser(state, userId);
  if (!isChangeableRole(user.role)) throw new RoleChangeNotPermittedError(user.username);
  return user;
}

/** Decisions of a `user-<id>` stream. Commands already in their requested state decide no events. */
export function decide(command: UserCommand, state: UserState): UserEvent[] {
  switch (command.type) {
    case 'CreateUser': {
      const { origin, ...data } = command.data;
      assertMayCreate(origin, data.role);
      parseUsername(data.username);
      if (state.status !== 'none') throw new UserAlreadyExistsError(data.username);
      return [{ type: 'UserCreated', data }];
    }
    case 'ChangePassword': {
      const { userId, passwordHash, verifiedAgainst, sessionId, changedAt } = command.data;
      if (state.status !== 'existing' || !state.isActive) throw new NotAuthorizedError();
      if (state.passwordHash !== verifiedAgainst) throw new CurrentPasswordInvalidError();
      return [{ type: 'PasswordChanged', data: { userId, passwordHash, changedAt, sessionId } }];
    }
    case 'SetPassword': {
      const { userId, actor, passwordHash, setAt } = command.data;
      assertMayManageUser(actor, state, userId);
      return [{ type: 'PasswordSet', data: { userId, passwordHash, setBy: actor.userId, setAt } }];
    }
    case 'RevokeSessions': {
      const { userId, revokedAt } = command.data;
      // Only the user's own request gets here: a session of an inactive user is refused before.
      if (state.status !== 'existing') throw new NotAuthorizedError();
      return [{ type: 'SessionsRevoked', data: { userId, revokedAt } }];
    }
    case 'GrantAdmin': {
      const { userId, actor } = command.data;
      const user = changeableTarget(actor, state, userId);
      return user.role === 'admin' ? [] : [{ type: 'AdminGranted', data: { userId } }];
    }
    case 'RevokeAdmin': {
      const { userId, actor } = command.data;
      const user = changeableTarget(actor, state, userId);
      return user.role === 'user' ? [] : [{ type: 'AdminRevoked', data: { userId } }];
    }
    case 'ActivateUser': {
      const { userId, actor } = command.data;
      const user = assertMayManageUser(actor, state, userId);
      return user.isActive ? [] : [{ type: 'UserActivated', data: { userId } }];
    }
    case 'DeactivateUser': {
      const { userId, actor, deactivatedAt } = command.data;
      const user = assertMayManageUser(actor, state, userId);
      return user.isActive ? [{ type: 'UserDeactivated', data: { userId, deactivatedAt } }] : [];
    }
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

export const userDecider: Decider<UserState, UserCommand, UserEvent> = { initialState, evolve, decide };
