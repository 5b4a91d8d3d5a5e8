import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { authSessionDecider } from '../../../../../src/features/sessions/domain/decide';
import { NotAuthenticatedError, SessionAlreadyStartedError } from '../../../../../src/features/sessions/domain/errors';
import type { SessionExtended } from '../../../../../src/features/sessions/domain/auth-session-events';
import { endedByDeactivation, endedByUser, isSessionId, liveSession, renewalDue } from '../../../../../src/features/sessions/domain/session-validity';
import { evolve, initialState } from '../../../../../src/features/sessions/domain/auth-session';
import { spec } from '../../../../support/given-when-then';
import { T0, aSessionStarted } from '../../../../support/builders';

const session = spec(authSessionDecider);
const TTL = 5 * 60_000;
const CAP = 12 * 3_600_000;
const at = (offsetMs: number): Date => new Date(T0.getTime() + offsetMs);
const extend = (now: Date, maxLifetimeMs = CAP) => ({ type: 'ExtendSession' as const, data: { now, ttlMs: TTL, refreshThreshold: 0.2, maxLifetimeMs } });

describe('AuthSession decider', () => {
  describe('StartSession', () => {
    it('starts a session that expires one TTL later', () => {
      const sessionId = randomUUID();
      const userId = randomUUID();
      session.given([]).when({ type: 'StartSession', data: { sessionId, userId, now: T0, ttlMs: TTL, maxLifetimeMs: CAP } }).then([
        aSessionStarted({ sessionId, userId, startedAt: T0.toISOString(), expiresAt: at(TTL).toISOString() }),
      ]);
    });

    it('expires at the cap when the cap is shorter than the TTL', () => {
      const sessionId = randomUUID();
      const userId = randomUUID();
      session.given([]).when({ type: 'StartSession', data: { sessionId, userId, now: T0, ttlMs: TTL, maxLifetimeMs: 60_000 } }).then([
        aSessionStarted({ sessionId, userId, startedAt: T0.toISOString(), expiresAt: at(60_000).toISOString() }),
      ]);
    });

    it('refuses a session id that is already used', () => {
      const started = aSessionStarted();
      const { sessionId, userId } = started.data;
      session.given([started]).when({ type: 'StartSession', data: { sessionId, userId, now: T0, ttlMs: TTL, maxLifetimeMs: CAP } })
        .thenThrows(SessionAlreadyStartedError);
    });
  });

  describe('ExtendSession', () => {
    it('does not renew before the last 20 % of the lifetime', () => {
      session.given([aSessionStarted()]).when(extend(at(TTL * 0.8 - 1))).thenNothing();
    });

    it('renews to now + TTL once the remaining lifetime is at most TTL × threshold', () => {
      const started = aSessionStarted();
      const now = at(TTL * 0.8);
      const renewed: SessionExtended = {
        type: 'SessionExtended',
        data: { sessionId: started.data.sessionId, expiresAt: new Date(now.getTime() + TTL).toISOString() },
      };
      session.given([started]).when(extend(now)).then([renewed]);
    });

    it('keeps sliding from the latest expiry', () => {
      const started = aSessionStarted();
      const extended: SessionExtended = { type: 'SessionExtended', data: { sessionId: started.data.sessionId, expiresAt: at(TTL * 1.9).toISOString() } };
      session.given([started, extended]).when(extend(at(TTL + 1))).thenNothing();
    });

    it('renews no further than the cap after the start, then not at all', () => {
      const started = aSessionStarted({ startedAt: T0.toISOString(), expiresAt: at(TTL).toISOString() });
      const { sessionId } = started.data;
      const cap = TTL * 1.5;
      session.given([started]).when(extend(at(TTL * 0.9), cap)).then([{ type: 'SessionExtended', data: { sessionId, expiresAt: at(cap).toISOString() } }]);
      const atCap: SessionExtended = { type: 'SessionExtended', data: { sessionId, expiresAt: at(cap).toISOString() } };
      session.given([started, atCap]).when(extend(at(cap - 1000), cap)).thenNothing();
      session.given([started, atCap]).when(extend(at(cap), cap)).thenThrows(NotAuthenticatedError);
    });

    it('refuses an expired, an ended or an unknown session', () => {
      const started = aSessionStarted();
      session.given([started]).when(extend(at(TTL))).thenThrows(NotAuthenticatedError, 'Not authenticated.');
      const ended = { type: 'SessionEnded' as const, data: { sessionId: started.data.sessionId, userId: started.data.userId, reason: 'logout' as const } };
      session.given([started, ended]).when(extend(at(TTL - 1))).thenThrows(NotAuthenticatedError);
      session.given([]).when(extend(T0)).thenThrows(NotAuthenticatedError);
    });
  });

  describe('EndSession', () => {
    it('ends a running session with its reason', () => {
      const started = aSessionStarted();
      const { sessionId, userId } = started.data;
      session.given([started]).when({ type: 'EndSession', data: { reason: 'logout' } }).then([
        { type: 'SessionEnded', data: { sessionId, userId, reason: 'logout' } },
      ]);
    });

    it('ends only a session started no later than the given time', () => {
      const started = aSessionStarted({ startedAt: T0.toISOString() });
      const { sessionId, userId } = started.data;
      session.given([started]).when({ type: 'EndSession', data: { reason: 'user_deactivated', startedUntil: at(-1).toISOString() } }).thenNothing();
      session.given([started]).when({ type: 'EndSession', data: { reason: 'user_deactivated', startedUntil: T0.toISOString() } }).then([
        { type: 'SessionEnded', data: { sessionId, userId, reason: 'user_deactivated' } },
      ]);
    });

    it('is a no-op on an ended or unknown session', () => {
      const started = aSessionStarted();
      const { sessionId, userId } = started.data;
      const ended = { type: 'SessionEnded' as const, data: { sessionId, userId, reason: 'logout' as const } };
      session.given([started, ended]).when({ type: 'EndSession', data: { reason: 'user_deactivated' } }).thenNothing();
      session.given([]).when({ type: 'EndSession', data: { reason: 'logout' } }).thenNothing();
    });
  });
});

describe('session validity', () => {
  const started = aSessionStarted();
  const state = evolve(initialState(), started);

  it('is live until its expiry, and expired at expiresAt itself', () => {
    expect(liveSession(state, at(TTL - 1))).to.not.equal(undefined);
    expect(liveSession(state, at(TTL))).to.equal(undefined);
  });

  it('is not live once ended', () => {
    const ended = evolve(state, { type: 'SessionEnded', data: { sessionId: started.data.sessionId, userId: started.data.userId, reason: 'logout' } });
    expect(liveSession(ended, T0)).to.equal(undefined);
  });

  it('is not live once the cap has passed since its start, even before its expiry (a lowered cap bites at once)', () => {
    expect(liveSession(state, at(TTL - 1), TTL)).to.not.equal(undefined);
    expect(liveSession(state, at(60_000), 60_000)).to.equal(undefined);
  });

  it("counts a session as ended by the user's stream: any cut-off at or after its start, a password change unless made in it", () => {
    const { sessionId } = started.data;
    const none = { endedUntil: [undefined, undefined] };
    expect(endedByUser(started.data, none)).to.equal(false);
    expect(endedByUser(started.data, { endedUntil: [undefined, T0.toISOString()] })).to.equal(true);
    expect(endedByUser(started.data, { endedUntil: [at(-1).toISOString()] })).to.equal(false);
    expect(endedByUser(started.data, { ...none, endedUntilExcept: { at: at(1000).toISOString(), keptSessionId: 'another' } })).to.equal(true);
    expect(endedByUser(started.data, { ...none, endedUntilExcept: { at: at(1000).toISOString(), keptSessionId: sessionId } })).to.equal(false);
    expect(endedByUser(started.data, { ...none, endedUntilExcept: { at: at(-1).toISOString(), keptSessionId: 'another' } })).to.equal(false);
    // A later log-out everywhere ends the session a password change had kept.
    expect(endedByUser(started.data, { endedUntil: [at(2000).toISOString()], endedUntilExcept: { at: at(1000).toISOString(), keptSessionId: sessionId } })).to.equal(true);
  });

  it('counts a session started no later than the last deactivation as ended', () => {
    expect(endedByDeactivation(started.data, undefined)).to.equal(false);
    expect(endedByDeactivation(started.data, T0.toISOString())).to.equal(true);
    expect(endedByDeactivation(started.data, at(1000).toISOString())).to.equal(true);
    expect(endedByDeactivation(started.data, at(-1).toISOString())).to.equal(false);
  });

  it('takes only base64url ids of at most 64 characters as session ids', () => {
    for (const id of [randomBytes(32).toString('base64url'), 'a', 'A-_'.repeat(21)]) expect(isSessionId(id), id).to.equal(true);
    for (const id of ['', 'bad\u0000id', '../etc', 'café', 'x'.repeat(65), 'a b']) expect(isSessionId(id), id).to.equal(false);
  });

  it('is due for renewal exactly inside the last threshold part of the TTL', () => {
    expect(renewalDue(at(TTL).toISOString(), at(TTL * 0.8 - 1), TTL, 0.2)).to.equal(false);
    expect(renewalDue(at(TTL).toISOString(), at(TTL * 0.8), TTL, 0.2)).to.equal(true);
  });
});
