import type { UsernameReserved } from './user-events';

/** The current holder of a `username-<name>` stream: the user id named by its last event. */
export interface Reservation {
  readonly userId: string;
  /** ISO time at which the holder reserved the name (its command's `now`). */
  readonly reservedAt: string;
  readonly revision: bigint;
}

export interface RecordedReservation {
  readonly type: string;
  readonly data: unknown;
  readonly revision: bigint;
  readonly metadata: { readonly occurredAt: string };
}

export function currentReservation(events: readonly RecordedReservation[]): Reservation | undefined {
  let current: Reservation | undefined;
  for (const event of events) {
    if (event.type !== 'UsernameReserved') continue;
    const { userId } = event.data as UsernameReserved['data'];
    current = { userId, reservedAt: event.metadata.occurredAt, revision: event.revision };
  }
  return current;
}

/**
 * A reservation whose user stream never got its UserCreated blocks the name only for a grace
 * period: long enough for the reserving creation to make its second append, short enough that a
 * crash between the two appends does not lose the name for ever.
 */
export function mayTakeOver(reservation: Reservation, now: Date, graceMs: number): boolean {
  return now.getTime() - Date.parse(reservation.reservedAt) >= graceMs;
}
