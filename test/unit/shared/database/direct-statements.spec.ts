import { expect } from 'chai';
import { positional } from '../../../../src/shared/database/direct-statements';

describe('direct statements', () => {
  it('number the placeholders as PostgreSQL parameters', () => {
    expect(positional('SELECT ? , ? FROM t WHERE a = ?')).to.equal('SELECT $1 , $2 FROM t WHERE a = $3');
    expect(positional('SELECT 1')).to.equal('SELECT 1');
  });
});
