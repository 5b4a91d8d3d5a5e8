/** Any version, either case: the one definition for everything stored in a uuid column. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

/** Whether the value is a hyphenated UUID in lower case, the form this service writes. */
export function isLowerCaseUuid(value: unknown): value is string {
  return isUuid(value) && value === value.toLowerCase();
}
