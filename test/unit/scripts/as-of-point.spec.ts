import { expect } from 'chai';
import { UsageError } from '../../../scripts/audit/audit-errors';
import { parseAsOf } from '../../../scripts/audit/as-of-point';

describe('audit as-of: the point in time or revision', () => {
  const timeOf = (text: string): string => {
    const point = parseAsOf(text);
    if (!('time' in point)) throw new Error(`${text} was read as a revision`);
    return point.time.toISOString();
  };

  it('a bare whole number is a revision', () => {
    expect(parseAsOf('0')).to.deep.equal({ revision: 0n });
    expect(parseAsOf('42')).to.deep.equal({ revision: 42n });
    expect(parseAsOf((2n ** 63n - 1n).toString())).to.deep.equal({ revision: 2n ** 63n - 1n });
  });

  it('an ISO time with its zone, to the millisecond, the offset applied', () => {
    expect(timeOf('2026-01-31T12:00:00Z')).to.equal('2026-01-31T12:00:00.000Z');
    expect(timeOf('2026-01-31T12:00Z')).to.equal('2026-01-31T12:00:00.000Z');
    expect(timeOf('2026-01-31T13:30:15.25+01:30')).to.equal('2026-01-31T12:00:15.250Z');
    expect(timeOf('2026-01-01T01:00:00.123456-02:00')).to.equal('2026-01-01T03:00:00.123Z');
    expect(timeOf('2024-02-29T00:00:00Z')).to.equal('2024-02-29T00:00:00.000Z');
  });

  it('refuses as misuse: no zone, a date alone, an impossible date or hour, words, signs and fractions, a revision past 2^63-1', () => {
    for (const text of ['2026-01-31T12:00:00', '2026-01-31', '2026-02-30T00:00:00Z', '2025-02-29T00:00:00Z', '2026-01-31T24:00:00Z', '2026-13-01T00:00:00Z', 'now', '', '-1', '+1', '1.5', '1e3', (2n ** 63n).toString()]) {
      expect(() => parseAsOf(text), text).to.throw(UsageError);
    }
  });
});
