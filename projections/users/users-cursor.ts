import { isRole } from '../../src/features/users/domain/user-events';
import { ValidationError } from '../../src/shared/errors';
import { isLowerCaseUuid } from '../../src/shared/uuid';

export type SortingOrder = 'ASC' | 'DESC';
export type SortKey = string | boolean;

/** The position of the last row of a page in one sorting: its sort key and its id. */
export interface UsersCursor {
  readonly field: string;
  readonly order: SortingOrder;
  readonly key: SortKey;
  readonly id: string;
}

/** A cursor the service did not make, or made for another sorting (400). */
export class InvalidCursorError extends ValidationError {
  constructor(message: string) {
    super('users.invalid_cursor', message);
  }
}

const KEY_IS_VALID: Record<string, (key: unknown, id: string) => boolean> = {
  id: (key, id) => key === id,
  // PostgreSQL text cannot hold NUL, so no row ever has such a key; refusing it keeps a forged cursor a 400.
  username: (key) => typeof key === 'string' && key.length <= 256 && !key.includes('\u0000'),
  role: (key) => isRole(key),
  is_active: (key) => typeof key === 'boolean',
};

/** Opaque to clients: base64url of a small JSON object. */
export function encodeCursor(cursor: UsersCursor): string {
  const payload = { f: cursor.field, o: cursor.order, k: cursor.key, i: cursor.id };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor for the requested sorting. Anything but a cursor this service made for
 * exactly this field and order is refused, so a keyset page can never silently skip rows.
 */
export function decodeCursor(raw: string, field: string, order: SortingOrder): UsersCursor {
  const payload = parse(raw);
  if (payload.f !== field || payload.o !== order) {
    throw new InvalidCursorError(
      `Invalid cursor: it was issued for sorting by '${String(payload.f)}' ${String(payload.o)}, ` +
        `not by '${field}' ${order}. Start again without a cursor.`,
    );
  }
  return { field, order, key: payload.k as SortKey, id: payload.i as string };
}

interface CursorPayload {
  f: unknown;
  o: unknown;
  k: unknown;
  i: unknown;
}

function parse(raw: string): CursorPayload {
  const garbled = new InvalidCursorError('Invalid cursor: send back a next_cursor exactly as a list response gave it.');
  if (!/^[A-Za-z0-9_-]{1,2048}$/.test(raw)) throw garbled;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw garbled;
  }
  if (typeof payload !== 'object' || payload === null) throw garbled;
  const { f, o, k, i } = payload as CursorPayload;
  const validKey = typeof f === 'string' && Object.hasOwn(KEY_IS_VALID, f) ? KEY_IS_VALID[f] : undefined;
  if (validKey === undefined || (o !== 'ASC' && o !== 'DESC')) throw garbled;
  if (!isLowerCaseUuid(i) || !validKey(k, i)) throw garbled;
  return { f, o, k, i };
}
