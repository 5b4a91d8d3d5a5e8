import { expect } from 'chai';
import { PasswordTooShortError } from '../../../../../src/features/users/domain/errors';
import { assertPasswordRule, sameUtf8Bytes } from '../../../../../src/features/users/domain/password';

describe('password rule', () => {
  it('accepts 6 characters and very long passwords', () => {
    expect(() => assertPasswordRule('123456')).not.to.throw();
    expect(() => assertPasswordRule('x'.repeat(500))).not.to.throw();
  });

  it('refuses 5 characters with the contract message and code', () => {
    expect(() => assertPasswordRule('12345'))
      .to.throw(PasswordTooShortError, 'Password must be at least 6 characters long.')
      .with.property('code', 'user.password_too_short');
    expect(() => assertPasswordRule('')).to.throw(PasswordTooShortError);
  });

  it('counts code points: three emoji are too short', () => {
    expect(() => assertPasswordRule('😀😀😀')).to.throw(PasswordTooShortError);
  });

  it('compares passwords by their UTF-8 bytes', () => {
    expect(sameUtf8Bytes('secret1', 'secret1')).to.equal(true);
    expect(sameUtf8Bytes('secret1', 'Secret1')).to.equal(false);
    expect(sameUtf8Bytes('secret\uD800', 'secret\uDBFF')).to.equal(true);
    expect(sameUtf8Bytes('secret\uD800', 'secret\uFFFD')).to.equal(true);
    expect(sameUtf8Bytes('caf\u00e9xx', 'cafe\u0301xx')).to.equal(false);
  });
});
