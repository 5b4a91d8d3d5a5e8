import { v4, v5, v7 } from 'uuid';
import type { IdGenerator } from '../application/ports/id-generator';

/** Namespace of userledger's derived (UUIDv5) event ids. */
const EVENT_ID_NAMESPACE = '5b0f3f7e-2d8c-4a52-9a57-1c3e0d7b6f21';

export class UuidIdGenerator implements IdGenerator {
  newUserId(): string {
    return v7();
  }

  newEventId(): string {
    return v4();
  }

  derivedEventId(...parts: readonly string[]): string {
    return v5(parts.join('\u0000'), EVENT_ID_NAMESPACE);
  }
}
