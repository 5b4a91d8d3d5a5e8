import { expect } from 'chai';
import type { Decider, DomainEvent } from '../../src/shared/decider';

type ErrorClass = { readonly prototype: Error; readonly name: string };

export interface Then<Event> {
  /** The command decides exactly these events. */
  then(expected: readonly Event[]): void;
  /** The command is a no-op: it decides no events. */
  thenNothing(): void;
  /** The command is refused with this error class (and, if given, this exact message). */
  thenThrows(errorClass: ErrorClass, message?: string): Error;
}

/**
 * Decider specifications in given/when/then form:
 * `spec(userDecider).given(events).when(command).then(events)` or `.thenThrows(ErrorClass)`.
 */
export function spec<State, Command, Event extends DomainEvent>(decider: Decider<State, Command, Event>) {
  return {
    given(history: readonly Event[] = []) {
      return {
        when(command: Command): Then<Event> {
          const decideOnHistory = (): Event[] => {
            const state = history.reduce(decider.evolve, decider.initialState());
            const decided = decider.decide(command, state);
            return Array.isArray(decided) ? [...(decided as readonly Event[])] : [decided as Event];
          };
          return {
            then(expected) {
              expect(decideOnHistory()).to.deep.equal(expected);
            },
            thenNothing() {
              expect(decideOnHistory()).to.deep.equal([]);
            },
            thenThrows(errorClass, message) {
              let thrown: unknown;
              try {
                decideOnHistory();
              } catch (error) {
                thrown = error;
              }
              expect(thrown, 'expected the command to be refused').to.be.instanceOf(errorClass as unknown as new () => Error);
              if (message !== undefined) expect((thrown as Error).message).to.equal(message);
              return thrown as Error;
            },
          };
        },
      };
    },
  };
}
