import { expect } from 'chai';
import type { Database } from '../../../../src/shared/database/database';
import { openTestDatabase } from '../../../support/test-database';

const TRICKY = ["it's", 'back\\slash', "x'); DROP TABLE events; --", '"quoted"', 'naïve ☃ 𝄞', '', '?', '$1', "E'\\''"];

function roundTrips(open: () => Promise<Database>): void {
  let db: Database;
  before(async () => {
    db = await open();
  });

  it('returns every tricky string exactly as bound', async () => {
    for (const value of TRICKY) {
      const [row] = await db.query<{ v: string }>('SELECT ?::text AS v', [value]);
      expect(row?.v).to.equal(value);
    }
  });

  it('returns text arrays, numbers, booleans and NULL as bound', async () => {
    const [row] = await db.query<{ a: string[]; n: string; b: boolean; z: null }>(
      'SELECT ?::text[] AS a, ?::bigint AS n, ?::boolean AS b, ?::text AS z',
      [['a', 'b"c', 'd\\e', null], 9007199254740993n, true, null],
    );
    expect(row).to.deep.equal({ a: ['a', 'b"c', 'd\\e', null], n: '9007199254740993', b: true, z: null });
  });

  it('keeps serving after a statement fails', async () => {
    let failed = false;
    await db.query('SELECT 1 / (? :: int)', [0]).catch(() => (failed = true));
    expect(failed).to.equal(true);
    const [row] = await db.query<{ one: number }>('SELECT 1 AS one', []);
    expect(row?.one).to.equal(1);
  });
}

describe('Database.query, as prepared statements', () => roundTrips(openTestDatabase));
