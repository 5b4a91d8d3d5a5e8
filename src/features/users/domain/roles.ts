/** The role hierarchy: user < admin < super_admin. */
export type Role = 'user' | 'admin' | 'super_admin';

export const ROLES: readonly Role[] = ['super_admin', 'admin', 'user'];

/** Who acts on a command: the caller's id and role, re-read from the user stream per request. */
export interface Actor {
  readonly userId: string;
  readonly role: Role;
}

/** The authenticated caller of a request: a user acting in one of their sessions, re-read from both streams on every request. */
export interface Caller extends Actor {
  readonly username: string;
  readonly sessionId: string;
}

const SUBORDINATES: Record<Role, readonly Role[]> = {
  super_admin: ['admin', 'user'],
  admin: ['user'],
  user: [],
};

export function canManageRole(actor: Role, target: Role): boolean {
  return SUBORDINATES[actor].includes(target);
}

export function isAdministrator(role: Role): boolean {
  return SUBORDINATES[role].length > 0;
}

/** A user is a subordinate of the actor when its role ranks below; nobody is their own subordinate. */
export function canManageSubordinate(actor: Actor, target: { readonly userId: string; readonly role: Role }): boolean {
  return actor.userId !== target.userId && canManageRole(actor.role, target.role);
}

/** super_admin can never be assigned, granted or revoked through the API. */
export function isChangeableRole(role: Role): boolean {
  return role !== 'super_admin';
}

export function isRole(value: unknown): value is Role {
  return (ROLES as readonly unknown[]).includes(value);
}
