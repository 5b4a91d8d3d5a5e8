import { randomUUID } from 'node:crypto';
import type { Actor, Role } from '../../src/features/users/domain/roles';
import type {
  AdminGranted,
  UserCreated,
  UserDeactivated,
  UserActivated,
} from '../../src/features/users/domain/user-events';
import type { SessionStarted } from '../../src/features/sessions/domain/auth-session-events';

export const T0 = new Date('2026-01-01T12:00:00.000Z');

export function anActor(overrides: Partial<Actor> = {}): Actor {
  return { userId: randomUUID(), role: 'user', ...overrides };
}
export const anAdmin = (overrides: Partial<Actor> = {}): Actor => anActor({ role: 'admin', ...overrides });
export const aSuperAdmin = (overrides: Partial<Actor> = {}): Actor => anActor({ role: 'super_admin', ...overrides });

export function aUserCreated(overrides: Partial<UserCreated['data']> = {}): UserCreated {
  return {
    type: 'UserCreated',
    data: {
      userId: randomUUID(),
      username: 'alice.smith',
      role: 'user' as Role,
      passwordHash: 'hash:secret1',
      createdAt: T0.toISOString(),
      ...overrides,
    },
  };
}

export const anAdminGranted = (userId: string): AdminGranted => ({ type: 'AdminGranted', data: { userId } });
export const aUserActivated = (userId: string): UserActivated => ({ type: 'UserActivated', data: { userId } });
export function aUserDeactivated(userId: string, deactivatedAt: Date = T0): UserDeactivated {
  return { type: 'UserDeactivated', data: { userId, deactivatedAt: deactivatedAt.toISOString() } };
}

export function aSessionStarted(overrides: Partial<SessionStarted['data']> = {}): SessionStarted {
  return {
    type: 'SessionStarted',
    data: {
      sessionId: randomUUID(),
      userId: randomUUID(),
      startedAt: T0.toISOString(),
      expiresAt: new Date(T0.getTime() + 5 * 60_000).toISOString(),
      ...overrides,
    },
  };
}
