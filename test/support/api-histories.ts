import { randomUUID } from 'node:crypto';
import type { Role } from '../../src/features/users';
import type { History } from './api-specification';
import { T0 } from './builders';
import { fakeHashOf } from './in-process-ports';

/** Histories for API specifications: what the log holds before the request, by stream. */

export interface GivenUser {
  readonly userId: string;
  readonly username: string;
  readonly password: string;
  readonly role: Role;
  readonly history: History;
}

export interface GivenSession {
  readonly sessionId: string;
  readonly userId: string;
  readonly startedAt: string;
  readonly expiresAt: string;
  readonly history: History;
}

export const SESSION_TTL_MS = 5 * 60_000;

/** A user as registration leaves it: the reserved username and the created user, hashed by the fake hasher. */
export function aRegisteredUser(
  username: string,
  options: { role?: Role; password?: string; userId?: string; deactivatedAt?: Date } = {},
): GivenUser {
  const { role = 'user', password = 'secret1', userId = randomUUID() } = options;
  const userEvents = [
    { type: 'UserCreated', data: { userId, username, role, passwordHash: fakeHashOf(password), createdAt: T0.toISOString() } },
    ...(options.deactivatedAt ? [{ type: 'UserDeactivated', data: { userId, deactivatedAt: options.deactivatedAt.toISOString() } }] : []),
  ];
  return {
    userId,
    username,
    password,
    role,
    history: {
      [`username-${username}`]: [{ type: 'UsernameReserved', data: { username, userId } }],
      [`user-${userId}`]: userEvents,
    },
  };
}

/** A session log-in started for the user at `startedAt`, live for the TTL. */
export function aSessionOf(user: { userId: string }, options: { startedAt?: Date; expiresAt?: Date; sessionId?: string } = {}): GivenSession {
  const { startedAt = T0, sessionId = `given-${randomUUID()}` } = options;
  const expiresAt = options.expiresAt ?? new Date(startedAt.getTime() + SESSION_TTL_MS);
  const data = { sessionId, userId: user.userId, startedAt: startedAt.toISOString(), expiresAt: expiresAt.toISOString() };
  return { sessionId, userId: user.userId, startedAt: data.startedAt, expiresAt: data.expiresAt, history: { [`session-${sessionId}`]: [{ type: 'SessionStarted', data }] } };
}
