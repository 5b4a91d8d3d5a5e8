import { randomUUID } from 'node:crypto';
import type { EventData } from '../../../../src/shared/event-store/event-store';

export function anEvent(overrides: Partial<EventData> = {}): EventData {
  return {
    id: randomUUID(),
    type: 'ThingHappened',
    data: { value: randomUUID(), nested: { list: [1, 2, 3], flag: true } },
    metadata: { actorId: randomUUID(), correlationId: randomUUID(), causationId: randomUUID(), occurredAt: '2026-01-01T12:00:00.000Z' },
    ...overrides,
  };
}

export const events = (count: number, overrides: Partial<EventData> = {}): EventData[] =>
  Array.from({ length: count }, () => anEvent(overrides));

/** A stream name no other test uses, under a prefix of its own for filtered reads. */
export function aStream(prefix = `t${randomUUID().slice(0, 8)}`): string {
  return `${prefix}-${randomUUID()}`;
}
