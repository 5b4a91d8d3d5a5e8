import type { EventSchema } from '../../../shared/event-schemas';
import type { UserEvent, UsernameReserved } from './user-events';

/**
 * The schema versions of the users feature's events. None has changed shape yet; a change
 * bumps its type's version here and adds the upcaster from the previous one (README, "Event
 * schema versions"). Declaring every type also makes a newer release's version of it fail
 * clearly here instead of being folded as if it were this one.
 */
export const userEventSchemas: Readonly<Record<UserEvent['type'] | UsernameReserved['type'], EventSchema>> = {
  UserCreated: { version: 1 },
  PasswordChanged: { version: 1 },
  PasswordSet: { version: 1 },
  SessionsRevoked: { version: 1 },
  AdminGranted: { version: 1 },
  AdminRevoked: { version: 1 },
  UserActivated: { version: 1 },
  UserDeactivated: { version: 1 },
  UserCreationAbandoned: { version: 1 },
  UsernameReserved: { version: 1 },
};
