/**
 * The hyphenated UUID form (8-4-4-4-12 hex digits, any version, either case): the shared
 * kernel's one definition, for event ids, user ids and anything else stored in a uuid column.
 */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

/** Whether the value is a hyphenated UUID in lower case, the form this service writes. */
export function isLowerCaseUuid(value: unknown): value is string {
  return isUuid(value) && value === value.toLowerCase();
}
