import type { AuthSessionEvent, SessionEndReason } from './auth-session-events';

export interface SessionFacts {
  readonly sessionId: string;
  readonly userId: string;
  readonly startedAt: string;
  readonly expiresAt: string;
}

/** A `session-<id>` stream folded: never started, running (maybe past its expiry), or ended. */
export type AuthSessionState =
  | { readonly status: 'none' }
  | ({ readonly status: 'active' } & SessionFacts)
  | ({ readonly status: 'ended'; readonly reason: SessionEndReason } & SessionFacts);

export const initialState = (): AuthSessionState => ({ status: 'none' });

export function evolve(state: AuthSessionState, event: AuthSessionEvent): AuthSessionState {
  switch (event.type) {
    case 'SessionStarted': {
      const { sessionId, userId, startedAt, expiresAt } = event.data;
      return { status: 'active', sessionId, userId, startedAt, expiresAt };
    }
    case 'SessionExtended':
      return state.status === 'active' ? { ...state, expiresAt: event.data.expiresAt } : state;
    case 'SessionEnded':
      return state.status === 'active' ? { ...state, status: 'ended', reason: event.data.reason } : state;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
