import type { EventSchema } from '../../../shared/event-schemas';
import type { AuthSessionEvent } from './auth-session-events';

/**
 * The schema versions of the sessions feature's events. None has changed shape yet; a change
 * bumps its type's version here and adds the upcaster from the previous one (README, "Event
 * schema versions").
 */
export const authSessionEventSchemas: Readonly<Record<AuthSessionEvent['type'], EventSchema>> = {
  SessionStarted: { version: 1 },
  SessionExtended: { version: 1 },
  SessionEnded: { version: 1 },
};
