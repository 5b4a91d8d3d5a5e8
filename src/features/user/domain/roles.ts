/** The role hierarchy: user < admin < super_admin. */
export type Role = 'user' | 'admin' | 'super_admin';

export const ROLES: readonly Role[] = ['super_admin', 'admin', 'user'];

const SUBORDINATES: Record<Role, readonly Role[]> = {
  super_admin: ['admin', 'user'],
  admin: ['user'],
  user: [],
};

/** Whether an actor with `actor` role may manage (create, change) users of role `target`. */
export function canManageRole(actor: Role, target: Role): boolean {
  return SUBORDINATES[actor].includes(target);
}

/** Whether the actor may manage some users at all (admin and above). */
export function isAdministrator(role: Role): boolean {
  return SUBORDINATES[role].length > 0;
}

export function isRole(value: unknown): value is Role {
  return value === 'user' || value === 'admin' || value === 'super_admin';
}
