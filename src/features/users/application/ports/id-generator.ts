export interface IdGenerator {
  /** A UUIDv7 (time-ordered), lower-case. */
  newUserId(): string;
  /** A random UUID for an event nobody will retry. */
  newEventId(): string;
  /** The same UUID for the same parts, so that a replayed reaction appends nothing twice. */
  derivedEventId(...parts: readonly string[]): string;
}

export const ID_GENERATOR = Symbol('IdGenerator');
