import type { Caller } from '../../users';

export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: Date;
}

export type SessionResolution =
  /** No token, or one that is invalid or expired, or for an ended session. */
  | { readonly status: 'anonymous' }
  /** A live session whose user is missing or inactive: all of that user's sessions were ended. */
  | { readonly status: 'forbidden' }
  /** `renewed`: a new token for the same session, to be set as the cookie. */
  | { readonly status: 'authenticated'; readonly caller: Caller; readonly renewed?: IssuedToken };
