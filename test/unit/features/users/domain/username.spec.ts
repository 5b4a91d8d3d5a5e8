import { expect } from 'chai';
import { InvalidUsernameError } from '../../../../../src/features/users/domain/errors';
import { parseUsername } from '../../../../../src/features/users/domain/username';

const L = 'Username must be between 5 and 20 characters.';
const S = 'Username must start with a letter (A-Z, a-z) or a digit (0-9).';
const C = 'Username can only contain letters (A-Z, a-z), digits (0-9), dots (.), hyphens (-), and underscores (_).';
const CC = 'Username cannot contain consecutive special characters like .., --, or __.';
const E = 'Username must end with a letter (A-Z, a-z) or a digit (0-9).';

function refusal(raw: string): { message: string; code: string } {
  try {
    parseUsername(raw);
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidUsernameError);
    const { message, code } = error as InvalidUsernameError;
    return { message, code };
  }
  throw new Error(`'${raw}' was accepted`);
}

describe('username rules', () => {
  for (const name of ['user.name', 'user-name', 'user_name', 'u.ser-name123', 'u-ser_name', 'abcde', 'A'.repeat(20), 'Alice', '12345']) {
    it(`accepts ${name}`, () => {
      expect(parseUsername(name)).to.equal(name);
    });
  }

  it('refuses 4 and 21 characters, accepts 5 and 20', () => {
    expect(refusal('abcd')).to.deep.equal({ message: L, code: 'user.username_length' });
    expect(refusal('a'.repeat(21)).message).to.equal(L);
    expect(parseUsername('a'.repeat(5))).to.equal('aaaaa');
    expect(parseUsername('a'.repeat(20))).to.have.length(20);
  });

  it('counts code points, not UTF-16 units', () => {
    // four astral characters are 8 UTF-16 units but 4 code points: too short
    expect(refusal('😀😀😀😀').message).to.equal(L);
    // 20 astral characters are 40 units: right length, so the start rule fires
    expect(refusal('😀'.repeat(20)).message).to.equal(S);
  });

  for (const [name, message, code] of [
    ['.username', S, 'user.username_start'],
    ['-username', S, 'user.username_start'],
    ['_username', S, 'user.username_start'],
    ['user!name', C, 'user.username_characters'],
    ['user@name', C, 'user.username_characters'],
    ['user#name', C, 'user.username_characters'],
    ['user name', C, 'user.username_characters'],
    ['usér.name', C, 'user.username_characters'],
    ['user..name', CC, 'user.username_consecutive_specials'],
    ['user--name', CC, 'user.username_consecutive_specials'],
    ['user__name', CC, 'user.username_consecutive_specials'],
    ['user._name', CC, 'user.username_consecutive_specials'],
    ['username..', CC, 'user.username_consecutive_specials'],
    ['username.', E, 'user.username_end'],
    ['username-', E, 'user.username_end'],
    ['username_', E, 'user.username_end'],
  ] as const) {
    it(`refuses ${name} with ${code}`, () => {
      expect(refusal(name)).to.deep.equal({ message, code });
    });
  }

  it('checks the rules in order: length before start, start before characters', () => {
    expect(refusal('!@#').message).to.equal(L);
    expect(refusal('!@#ab').message).to.equal(S);
    expect(refusal('ab!@#').message).to.equal(C);
    expect(refusal('a!..b').message).to.equal(C);
  });
});
