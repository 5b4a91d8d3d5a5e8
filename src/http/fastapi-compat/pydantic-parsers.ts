/**
 * The original validates path and query values with pydantic. These parsers accept exactly
 * what pydantic (and the Rust `uuid` crate under it) accepts and word their failures the same
 * way, so that a 422 body matches the original's byte for byte.
 */
import { isUuid } from '../../shared/uuid';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const SIMPLE = /^[0-9a-fA-F]{32}$/;
const URN_PREFIX = 'urn:uuid:';
const GROUP_LENGTHS = [8, 4, 4, 4, 12] as const;
const GROUP_STARTS = [0, 9, 14, 19, 24] as const;

/** Any UUID version, in the simple, hyphenated, braced or URN form; the value is lower-case hyphenated. */
export function parseUuid(input: string): Parsed<string> {
  let body: string | undefined;
  if (input.length === 32 && SIMPLE.test(input)) {
    body = `${input.slice(0, 8)}-${input.slice(8, 12)}-${input.slice(12, 16)}-${input.slice(16, 20)}-${input.slice(20)}`;
  } else if (input.length === 36) body = input;
  else if (input.length === 38 && input.startsWith('{') && input.endsWith('}')) body = input.slice(1, -1);
  else if (input.length === 45 && input.startsWith(URN_PREFIX)) body = input.slice(URN_PREFIX.length);
  if (body !== undefined && isUuid(body)) return { ok: true, value: body.toLowerCase() };
  return { ok: false, error: describeUuidError(input) };
}

/** The `uuid` crate's diagnosis of a string it could not parse (positions are 1-based bytes). */
function describeUuidError(input: string): string {
  let rest = input;
  let offset = 0;
  let simple = true;
  if (input.length >= 2 && input.startsWith('{') && input.endsWith('}')) {
    rest = input.slice(1, -1);
    offset = 1;
    simple = false;
  } else if (input.startsWith(URN_PREFIX)) {
    rest = input.slice(URN_PREFIX.length);
    offset = URN_PREFIX.length;
    simple = false;
  }
  const hyphens: number[] = [];
  let byteIndex = 0;
  for (const character of rest) {
    if (character === '-') hyphens.push(byteIndex);
    else if (!/^[0-9a-fA-F]$/.test(character)) {
      return `invalid character: expected an optional prefix of \`urn:uuid:\` followed by [0-9a-fA-F-], found \`${character}\` at ${byteIndex + offset + 1}`;
    }
    byteIndex += Buffer.byteLength(character);
  }
  if (hyphens.length === 0 && simple) return `invalid length: expected length 32 for simple format, found ${Buffer.byteLength(input)}`;
  if (hyphens.length !== 4) return `invalid group count: expected 5, found ${hyphens.length + 1}`;
  for (let group = 0; group < 4; group++) {
    const start = GROUP_STARTS[group] as number;
    const hyphen = hyphens[group] as number;
    if (hyphen !== (GROUP_STARTS[group + 1] as number) - 1) {
      return `invalid group length in group ${group}: expected ${GROUP_LENGTHS[group]}, found ${hyphen - start}`;
    }
  }
  return `invalid group length in group 4: expected 12, found ${input.length - GROUP_STARTS[4]}`;
}

/** pydantic's lax str→int: surrounding whitespace, a sign, `_` between digits and a `.0` tail are allowed. */
export function parseInteger(input: string): number | undefined {
  const match = /^([+-]?\d+(?:_\d+)*)(?:\.0+)?$/.exec(input.trim());
  return match ? Number((match[1] as string).replace(/_/g, '')) : undefined;
}
