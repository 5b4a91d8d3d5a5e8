import type { Actor, Role } from './roles';

/**
 * Who asks for a creation: an administrator (the permission matrix applies), the user signing
 * themselves up (always role user), or the bootstrap of the first super admin.
 */
export type CreationOrigin =
  | { readonly kind: 'administrator'; readonly actor: Actor }
  | { readonly kind: 'sign_up' }
  | { readonly kind: 'bootstrap' };

export type CreateUser = {
  readonly type: 'CreateUser';
  readonly data: {
    readonly userId: string;
    readonly username: string;
    readonly role: Role;
    readonly passwordHash: string;
    readonly createdAt: string;
    readonly origin: CreationOrigin;
  };
};
/**
 * The user's own change, made in session `sessionId` at `changedAt`; `verifiedAgainst` is the
 * hash the current password was checked with.
 */
export type ChangePassword = {
  readonly type: 'ChangePassword';
  readonly data: {
    readonly userId: string;
    readonly passwordHash: string;
    readonly verifiedAgainst: string;
    readonly sessionId: string;
    readonly changedAt: string;
  };
};
export type SetPassword = {
  readonly type: 'SetPassword';
  readonly data: { readonly userId: string; readonly actor: Actor; readonly passwordHash: string; readonly setAt: string };
};
/** The user ends all of their own sessions (log out everywhere). */
export type RevokeSessions = { readonly type: 'RevokeSessions'; readonly data: { readonly userId: string; readonly revokedAt: string } };
export type GrantAdmin = { readonly type: 'GrantAdmin'; readonly data: { readonly userId: string; readonly actor: Actor } };
export type RevokeAdmin = { readonly type: 'RevokeAdmin'; readonly data: { readonly userId: string; readonly actor: Actor } };
export type ActivateUser = {
  readonly type: 'ActivateUser';
  readonly data: { readonly userId: string; readonly actor: Actor };
};
export type DeactivateUser = {
  readonly type: 'DeactivateUser';
  readonly data: { readonly userId: string; readonly actor: Actor; readonly deactivatedAt: string };
};

export type UserCommand =
  | CreateUser
  | ChangePassword
  | SetPassword
  | GrantAdmin
  | RevokeAdmin
  | ActivateUser
  | DeactivateUser
  | RevokeSessions;
