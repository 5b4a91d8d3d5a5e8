/** Slow, salted, peppered password hashing. Busy → ServiceUnavailableError 'password_hasher.busy'. */
export interface PasswordHasher {
  hash(raw: string): Promise<string>;
  verify(raw: string, hash: string): Promise<boolean>;
}

export const PASSWORD_HASHER = Symbol('PasswordHasher');
