import type { EventFilter, RecordedEvent } from './event-store';

export function matchesFilter(event: RecordedEvent, filter: EventFilter | undefined): boolean {
  if (filter === undefined) return true;
  if ('streamNamePrefixes' in filter) {
    return filter.streamNamePrefixes.some((prefix) => event.streamName.startsWith(prefix));
  }
  return filter.eventTypePrefixes.some((prefix) => event.type.startsWith(prefix));
}
