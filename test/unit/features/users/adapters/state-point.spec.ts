import { expect } from 'chai';
import { statePointOf } from '../../../../../src/features/users/adapters/state-point';
import { RequestValidationError } from '../../../../../src/http/request-validation-error';

const refusalOf = (query: Record<string, string>) => {
  try {
    statePointOf(query);
  } catch (error) {
    if (error instanceof RequestValidationError) return error.detail;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(query)}`);
};

describe('the point a user state is asked at (as_of, as_of_revision)', () => {
  it('none, a revision, or a moment in any offset, to the millisecond', () => {
    expect(statePointOf({})).to.equal(undefined);
    expect(statePointOf({ as_of_revision: '42' })).to.deep.equal({ asOfRevision: 42n });
    const moments: Array<[string, string]> = [
      ['2026-01-02T03:04:05Z', '2026-01-02T03:04:05.000Z'],
      ['2026-01-02t03:04:05.678z', '2026-01-02T03:04:05.678Z'],
      ['2026-01-02 03:04Z', '2026-01-02T03:04:00.000Z'],
      ['2026-01-02T03:04:05.678999+01:30', '2026-01-02T01:34:05.678Z'],
      ['2026-01-01T23:30:00-01:00', '2026-01-02T00:30:00.000Z'],
      ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ];
    for (const [text, iso] of moments) {
      const point = statePointOf({ as_of: text });
      expect(point && 'asOf' in point ? point.asOf.toISOString() : point, text).to.equal(iso);
    }
  });

  it('refuses impossible dates and times, a missing offset, and both at once', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ as_of: '2026-02-29T00:00:00Z' }, 'datetime_parsing'],
      [{ as_of: '2026-04-31T00:00:00Z' }, 'datetime_parsing'],
      [{ as_of: '2026-13-01T00:00:00Z' }, 'datetime_parsing'],
      [{ as_of: '2026-01-01T12:60:00Z' }, 'datetime_parsing'],
      [{ as_of: '2026-01-01T12:00:00+24:00' }, 'datetime_parsing'],
      [{ as_of: '2026-01-01' }, 'datetime_parsing'],
      [{ as_of: '1767268800000' }, 'datetime_parsing'],
      [{ as_of: '2026-01-01T12:00:00' }, 'timezone_aware'],
      [{ as_of: '2026-01-01T12:00:00Z', as_of_revision: '1' }, 'value_error'],
    ];
    for (const [query, type] of cases) {
      const [detail, ...rest] = refusalOf(query);
      expect(detail?.type, JSON.stringify(query)).to.equal(type);
      expect(rest).to.deep.equal([]);
    }
  });
});
