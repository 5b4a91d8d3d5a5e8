import { expect } from 'chai';
import { isConnectionError } from '../../../../src/shared/database/connection-errors';

const withCode = (code: string, message = 'failed'): Error => Object.assign(new Error(message), { code });

describe('isConnectionError', () => {
  it('recognises refused, reset and timed-out sockets', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']) expect(isConnectionError(withCode(code)), code).to.equal(true);
  });

  it('recognises a server shutting down or refusing sessions', () => {
    for (const code of ['57P01', '57P02', '57P03', '53300', '08006', '08001']) expect(isConnectionError(withCode(code)), code).to.equal(true);
  });

  it('recognises a terminated connection and a pool that cannot hand one out', () => {
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).to.equal(true);
    expect(isConnectionError(Object.assign(new Error('Knex: Timeout acquiring a connection.'), { name: 'KnexTimeoutError' }))).to.equal(true);
  });

  it('looks through causes and aggregate errors', () => {
    expect(isConnectionError(new Error('wrapped', { cause: withCode('ECONNREFUSED') }))).to.equal(true);
    expect(isConnectionError(new AggregateError([withCode('ECONNREFUSED')], 'all attempts failed'))).to.equal(true);
  });

  it('does not count statement errors or non-errors', () => {
    expect(isConnectionError(withCode('42P01', 'relation "x" does not exist'))).to.equal(false);
    expect(isConnectionError(withCode('23505', 'duplicate key'))).to.equal(false);
    expect(isConnectionError(new Error('boom'))).to.equal(false);
    expect(isConnectionError(undefined)).to.equal(false);
    expect(isConnectionError('ECONNREFUSED')).to.equal(false);
  });
});
