import { randomUUID } from 'node:crypto';
import { userDecider } from '../../../../../src/features/users/domain/decide';
import {
  CurrentPasswordInvalidError,
  InvalidUsernameError,
  NotAuthorizedError,
  RoleChangeNotPermittedError,
  UserAlreadyExistsError,
  UserNotFoundError,
} from '../../../../../src/features/users/domain/errors';
import type { Role } from '../../../../../src/features/users/domain/roles';
import type { CreationOrigin } from '../../../../../src/features/users/domain/user-commands';
import type { UserEvent } from '../../../../../src/features/users/domain/user-events';
import { spec } from '../../../../support/given-when-then';
import {
  T0,
  aSuperAdmin,
  aUserCreated,
  aUserDeactivated,
  anActor,
  anAdmin,
  anAdminGranted,
} from '../../../../support/builders';

const user = spec(userDecider);
const NZ = 'Not authorized.';

function createCommand(origin: CreationOrigin, role: Role, username = 'new.user1') {
  const userId = randomUUID();
  const data = { userId, username, role, passwordHash: 'hash:pw', createdAt: T0.toISOString() };
  return { command: { type: 'CreateUser' as const, data: { ...data, origin } }, created: { type: 'UserCreated' as const, data } };
}

function existing(role: Role = 'user', username = 'target.user'): { userId: string; history: UserEvent[] } {
  const created = aUserCreated({ role, username });
  return { userId: created.data.userId, history: [created] };
}

describe('User decider', () => {
  describe('CreateUser', () => {
    const allowed: [string, CreationOrigin, Role][] = [
      ['an admin creating a user', { kind: 'administrator', actor: anAdmin() }, 'user'],
      ['a super admin creating a user', { kind: 'administrator', actor: aSuperAdmin() }, 'user'],
      ['a super admin creating an admin', { kind: 'administrator', actor: aSuperAdmin() }, 'admin'],
      ['a sign-up', { kind: 'sign_up' }, 'user'],
      ['the bootstrap of the super admin', { kind: 'bootstrap' }, 'super_admin'],
    ];
    for (const [who, origin, role] of allowed) {
      it(`allows ${who}`, () => {
        const { command, created } = createCommand(origin, role);
        user.given([]).when(command).then([created]);
      });
    }

    const refused: [string, CreationOrigin, Role][] = [
      ['a plain user creating a user', { kind: 'administrator', actor: anActor() }, 'user'],
      ['an admin creating an admin', { kind: 'administrator', actor: anAdmin() }, 'admin'],
      ['an admin creating a super admin', { kind: 'administrator', actor: anAdmin() }, 'super_admin'],
      ['a super admin creating a super admin', { kind: 'administrator', actor: aSuperAdmin() }, 'super_admin'],
      ['a sign-up asking for admin', { kind: 'sign_up' }, 'admin'],
      ['the bootstrap making a plain user', { kind: 'bootstrap' }, 'user'],
    ];
    for (const [who, origin, role] of refused) {
      it(`refuses ${who} with 403 Not authorized.`, () => {
        user.given([]).when(createCommand(origin, role).command).thenThrows(NotAuthorizedError, NZ);
      });
    }

    it('checks the permission before the username', () => {
      const { command } = createCommand({ kind: 'administrator', actor: anActor() }, 'user', '!!');
      user.given([]).when(command).thenThrows(NotAuthorizedError);
    });

    it('refuses an invalid username', () => {
      const { command } = createCommand({ kind: 'sign_up' }, 'user', 'ab');
      user.given([]).when(command).thenThrows(InvalidUsernameError, 'Username must be between 5 and 20 characters.');
    });

    it('refuses a user stream that already has a user', () => {
      const { command } = createCommand({ kind: 'sign_up' }, 'user', 'taken.name');
      user.given([aUserCreated()]).when(command).thenThrows(UserAlreadyExistsError, "User with 'taken.name' already exists.");
    });

    it('refuses a user stream fenced after a crashed creation', () => {
      const { command } = createCommand({ kind: 'sign_up' }, 'user', 'late.writer');
      const fence: UserEvent = { type: 'UserCreationAbandoned', data: { userId: command.data.userId, username: 'late.writer' } };
      user.given([fence]).when(command).thenThrows(UserAlreadyExistsError, "User with 'late.writer' already exists.");
    });
  });

  describe('SetPassword', () => {
    const setPassword = (userId: string, actor = anAdmin()) => ({
      type: 'SetPassword' as const,
      data: { userId, actor, passwordHash: 'hash:new', setAt: T0.toISOString() },
    });

    it('lets an admin set a user’s password', () => {
      const { userId, history } = existing('user');
      const actor = anAdmin();
      user.given(history).when(setPassword(userId, actor)).then([
        { type: 'PasswordSet', data: { userId, passwordHash: 'hash:new', setBy: actor.userId, setAt: T0.toISOString() } },
      ]);
    });

    it('lets a super admin set an admin’s password', () => {
      const { userId, history } = existing('admin');
      const actor = aSuperAdmin();
      user.given(history).when(setPassword(userId, actor)).then([
        { type: 'PasswordSet', data: { userId, passwordHash: 'hash:new', setBy: actor.userId, setAt: T0.toISOString() } },
      ]);
    });

    it('refuses a plain user before looking at the target', () => {
      user.given([]).when(setPassword(randomUUID(), anActor())).thenThrows(NotAuthorizedError, NZ);
    });

    it('answers 404 with the UUID repr for an unknown target', () => {
      const userId = randomUUID();
      user.given([]).when(setPassword(userId)).thenThrows(UserNotFoundError, `User with UUID('${userId}') is not found.`);
    });

    it('refuses an admin on a peer admin, on itself and on the super admin', () => {
      const peer = existing('admin');
      user.given(peer.history).when(setPassword(peer.userId)).thenThrows(NotAuthorizedError, NZ);
      const self = existing('admin');
      user.given(self.history).when(setPassword(self.userId, anAdmin({ userId: self.userId }))).thenThrows(NotAuthorizedError);
      const top = existing('super_admin');
      user.given(top.history).when(setPassword(top.userId)).thenThrows(NotAuthorizedError);
    });

    it('refuses the super admin on itself', () => {
      const self = existing('super_admin');
      user.given(self.history).when(setPassword(self.userId, aSuperAdmin({ userId: self.userId }))).thenThrows(NotAuthorizedError);
    });
  });

  describe('ChangePassword (own)', () => {
    const changedIn = { sessionId: 'session-1', changedAt: T0.toISOString() };

    it('records the new hash, and the session it was changed in (the one that goes on), when the current password was verified against the current hash', () => {
      const { userId, history } = existing();
      user.given(history).when({ type: 'ChangePassword', data: { userId, passwordHash: 'hash:new', verifiedAgainst: 'hash:secret1', ...changedIn } }).then([
        { type: 'PasswordChanged', data: { userId, passwordHash: 'hash:new', ...changedIn } },
      ]);
    });

    it('refuses when the hash changed after the verification', () => {
      const { userId, history } = existing();
      user.given(history).when({ type: 'ChangePassword', data: { userId, passwordHash: 'hash:new', verifiedAgainst: 'hash:older', ...changedIn } })
        .thenThrows(CurrentPasswordInvalidError, 'Invalid password.');
    });

    it('refuses an inactive or missing user', () => {
      const { userId, history } = existing();
      const command = { type: 'ChangePassword' as const, data: { userId, passwordHash: 'h', verifiedAgainst: 'hash:secret1', ...changedIn } };
      user.given([...history, aUserDeactivated(userId)]).when(command).thenThrows(NotAuthorizedError, NZ);
      user.given([]).when(command).thenThrows(NotAuthorizedError, NZ);
    });
  });

  describe('RevokeSessions (log out everywhere)', () => {
    it('records the time until which every session of the user ends, even an inactive one', () => {
      const { userId, history } = existing();
      const command = { type: 'RevokeSessions' as const, data: { userId, revokedAt: T0.toISOString() } };
      user.given(history).when(command).then([{ type: 'SessionsRevoked', data: { userId, revokedAt: T0.toISOString() } }]);
      user.given([...history, aUserDeactivated(userId)]).when(command).then([{ type: 'SessionsRevoked', data: { userId, revokedAt: T0.toISOString() } }]);
    });

    it('refuses a missing user', () => {
      user.given([]).when({ type: 'RevokeSessions', data: { userId: randomUUID(), revokedAt: T0.toISOString() } }).thenThrows(NotAuthorizedError, NZ);
    });
  });

  for (const [commandType, eventType, fromRole, toRole] of [
    ['GrantAdmin', 'AdminGranted', 'user', 'admin'],
    ['RevokeAdmin', 'AdminRevoked', 'admin', 'user'],
  ] as const) {
    describe(commandType, () => {
      const command = (userId: string, actor = aSuperAdmin()) => ({ type: commandType, data: { userId, actor } });

      it(`lets the super admin change a ${fromRole}, also an inactive one`, () => {
        const { userId, history } = existing(fromRole);
        user.given(history).when(command(userId)).then([{ type: eventType, data: { userId } }]);
        user.given([...history, aUserDeactivated(userId)]).when(command(userId)).then([{ type: eventType, data: { userId } }]);
      });

      it(`is a no-op on a user who is already ${toRole}`, () => {
        const { userId, history } = existing(toRole);
        user.given(history).when(command(userId)).thenNothing();
      });

      it('refuses admins and plain users before looking at the target', () => {
        user.given([]).when(command(randomUUID(), anAdmin())).thenThrows(NotAuthorizedError, NZ);
        user.given([]).when(command(randomUUID(), anActor())).thenThrows(NotAuthorizedError, NZ);
      });

      it('answers 404 for an unknown target', () => {
        const userId = randomUUID();
        user.given([]).when(command(userId)).thenThrows(UserNotFoundError, `User with UUID('${userId}') is not found.`);
      });

      it('refuses to change a super admin, itself included', () => {
        const { userId, history } = existing('super_admin', 'the.boss');
        const message = "Changing role of user 'the.boss' (super_admin) is not permitted.";
        user.given(history).when(command(userId)).thenThrows(RoleChangeNotPermittedError, message);
        user.given(history).when(command(userId, aSuperAdmin({ userId }))).thenThrows(RoleChangeNotPermittedError, message);
      });
    });
  }

  describe('ActivateUser and DeactivateUser', () => {
    const deactivate = (userId: string, actor = anAdmin()) => ({
      type: 'DeactivateUser' as const,
      data: { userId, actor, deactivatedAt: T0.toISOString() },
    });
    const activate = (userId: string, actor = anAdmin()) => ({ type: 'ActivateUser' as const, data: { userId, actor } });

    it('lets an admin deactivate and reactivate a user', () => {
      const { userId, history } = existing('user');
      user.given(history).when(deactivate(userId)).then([aUserDeactivated(userId, T0)]);
      user.given([...history, aUserDeactivated(userId)]).when(activate(userId)).then([{ type: 'UserActivated', data: { userId } }]);
    });

    it('lets the super admin deactivate an admin', () => {
      const { userId, history } = existing('admin');
      user.given(history).when(deactivate(userId, aSuperAdmin())).then([aUserDeactivated(userId, T0)]);
    });

    it('lets the super admin manage a user promoted to admin', () => {
      const { userId, history } = existing('user');
      user.given([...history, anAdminGranted(userId)]).when(deactivate(userId)).thenThrows(NotAuthorizedError);
      user.given([...history, anAdminGranted(userId)]).when(deactivate(userId, aSuperAdmin())).then([aUserDeactivated(userId, T0)]);
    });

    it('is a no-op when already in the requested state', () => {
      const { userId, history } = existing('user');
      user.given(history).when(activate(userId)).thenNothing();
      user.given([...history, aUserDeactivated(userId)]).when(deactivate(userId)).thenNothing();
    });

    it('refuses plain users, admins on admins or themselves, and anyone on the super admin', () => {
      const target = existing('user');
      user.given(target.history).when(deactivate(target.userId, anActor())).thenThrows(NotAuthorizedError, NZ);
      const peer = existing('admin');
      user.given(peer.history).when(deactivate(peer.userId)).thenThrows(NotAuthorizedError, NZ);
      user.given(peer.history).when(activate(peer.userId, anAdmin({ userId: peer.userId }))).thenThrows(NotAuthorizedError, NZ);
      const top = existing('super_admin');
      user.given(top.history).when(deactivate(top.userId)).thenThrows(NotAuthorizedError, NZ);
      user.given(top.history).when(deactivate(top.userId, aSuperAdmin({ userId: top.userId }))).thenThrows(NotAuthorizedError, NZ);
    });

    it('checks the administrator role before the target, and the target before subordination', () => {
      const unknown = randomUUID();
      user.given([]).when(deactivate(unknown, anActor())).thenThrows(NotAuthorizedError);
      user.given([]).when(deactivate(unknown)).thenThrows(UserNotFoundError, `User with UUID('${unknown}') is not found.`);
    });
  });
});
