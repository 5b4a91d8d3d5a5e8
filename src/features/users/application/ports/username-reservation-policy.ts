/**
 * How long a username reservation whose user stream has no UserCreated yet is taken to be a
 * creation in progress. After that a new creation may fence the crashed one and take the name.
 */
export interface UsernameReservationPolicy {
  readonly abandonedAfterMs: number;
}

export const USERNAME_RESERVATION_POLICY = Symbol('UsernameReservationPolicy');

export const defaultUsernameReservationPolicy: UsernameReservationPolicy = { abandonedAfterMs: 5_000 };
