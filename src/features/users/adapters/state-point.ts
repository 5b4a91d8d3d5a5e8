import { RequestValidationError, type ValidationDetail } from '../../../http/request-validation-error';
import type { StatePoint } from '../application/user-state';
import type { UserStateQueryParams } from './user.schemas';

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:\d{2})?$/;

/** `as_of` or `as_of_revision` (the schema checked the revision's digits), never both; a 422 in FastAPI's shape otherwise. */
export function statePointOf(query: UserStateQueryParams): StatePoint {
  const { as_of: asOf, as_of_revision: asOfRevision } = query;
  if (asOf !== undefined && asOfRevision !== undefined) {
    throw new RequestValidationError([
      { type: 'value_error', loc: ['query'], msg: 'Value error, give as_of or as_of_revision, not both', input: { as_of: asOf, as_of_revision: asOfRevision } },
    ]);
  }
  if (asOfRevision !== undefined) return { asOfRevision: BigInt(asOfRevision) };
  if (asOf === undefined) return undefined;
  const moment = parseMoment(asOf);
  if (typeof moment === 'string') throw new RequestValidationError([refusal(moment, asOf)]);
  return { asOf: moment };
}

function refusal(reason: string, input: string): ValidationDetail {
  return reason === 'no offset'
    ? { type: 'timezone_aware', loc: ['query', 'as_of'], msg: 'Input should have timezone info', input }
    : { type: 'datetime_parsing', loc: ['query', 'as_of'], msg: `Input should be a valid datetime, ${reason}`, input, ctx: { error: reason } };
}

/** An RFC 3339 date-time with its offset, to the millisecond (finer digits are cut); else why not. */
function parseMoment(text: string): Date | string {
  const match = DATE_TIME.exec(text);
  if (match === null) return 'expected YYYY-MM-DDTHH:MM[:SS[.fff]] and an offset (Z or ±HH:MM)';
  const [, y, mo, d, h, mi, s = '0', fraction = '', offset] = match;
  if (offset === undefined) return 'no offset';
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12) return 'month value is outside expected range of 1-12';
  if (day < 1 || day > daysIn(year, month)) return 'day value is outside expected range';
  if (hour > 23 || minute > 59 || second > 59) return 'time is outside the day';
  let offsetMinutes = 0;
  if (offset !== 'Z' && offset !== 'z') {
    const [oh, om] = offset.slice(1).split(':').map(Number) as [number, number];
    if (oh > 23 || om > 59) return 'timezone offset is outside expected range';
    offsetMinutes = (offset.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute - offsetMinutes, second, ms);
  return utc;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
