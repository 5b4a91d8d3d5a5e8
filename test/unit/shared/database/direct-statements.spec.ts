import { expect } from 'chai';
import { inline, positional } from '../../../../src/shared/database/direct-statements';

describe('direct statements', () => {
  it('number the placeholders for a server', () => {
    expect(positional('SELECT ? , ? FROM t WHERE a = ?')).to.equal('SELECT $1 , $2 FROM t WHERE a = $3');
  });

  it('inline bindings as literals that cannot break out of their quotes', () => {
    expect(inline('SELECT ?', ["it's"])).to.equal("SELECT  'it''s'");
    expect(inline('SELECT ?', ['a\\b'])).to.equal("SELECT  E'a\\\\b'");
    expect(inline('SELECT ?', ["x'); DROP TABLE events; --"])).to.equal("SELECT  'x''); DROP TABLE events; --'");
    expect(inline('SELECT ?, ?, ?, ?', [null, 7, 12345678901234567890n, true])).to.equal(
      "SELECT NULL,  '7',  '12345678901234567890',  'true'",
    );
    expect(inline('SELECT ?', [['a', 'b"c', null]])).to.equal(`SELECT  E'{"a","b\\\\"c",NULL}'`);
  });

  it('give up (so the ordinary parameterised path runs) on values a literal cannot carry', () => {
    expect(inline('SELECT ?', ['nul\u0000byte'])).to.equal(undefined);
    expect(inline('SELECT ?', [new Date()])).to.equal(undefined);
    expect(inline('SELECT ?', [Buffer.from('x')])).to.equal(undefined);
    expect(inline('SELECT ?', [{ a: 1 }])).to.equal(undefined);
  });

  it('refuse a binding count that does not match the placeholders', () => {
    expect(() => inline('SELECT ?, ?', ['one'])).to.throw('Expected 2 bindings, got 1.');
  });
});
