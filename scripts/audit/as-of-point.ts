import type { AsOf } from '../../src/features/users';
import { UsageError } from './audit-errors';

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;
const MAX_REVISION = 2n ** 63n - 1n;

/**
 * `as-of`'s point: a bare whole number is a revision; anything else must be an ISO-8601 time
 * with its zone (a time without one would mean the machine's local time, which an audit should
 * never depend on). Impossible dates (February 30th) are refused, not rolled over.
 */
export function parseAsOf(text: string): AsOf {
  if (/^\d+$/.test(text)) {
    const revision = BigInt(text);
    if (revision > MAX_REVISION) throw new UsageError(`The revision ${text} is out of range.`);
    return { revision };
  }
  const match = ISO_TIME.exec(text);
  if (match === null) {
    throw new UsageError(`'${text}' is neither a revision (a whole number) nor an ISO time with its zone, such as 2026-01-31T12:00:00Z or 2026-01-31T13:00:00+01:00.`);
  }
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? '0')) as [number, number, number, number, number, number];
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  const local = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  const valid =
    local.getUTCFullYear() === year && local.getUTCMonth() === month - 1 && local.getUTCDate() === day &&
    local.getUTCHours() === hour && local.getUTCMinutes() === minute && local.getUTCSeconds() === second;
  if (!valid) throw new UsageError(`'${text}' is not a time that exists.`);
  const zone = match[8] as string;
  const offsetMinutes = zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  return { time: new Date(local.getTime() - offsetMinutes * 60_000) };
}

export const describeAsOf = (asOf: AsOf): string => ('revision' in asOf ? `revision ${asOf.revision}` : asOf.time.toISOString());
