import { eventTypeFilter, excludeSystemEvents, streamNameFilter, type Filter, type Position } from '@eventstore/db-client';
import type { EventFilter } from '../event-store';

/**
 * The server-side filter for a port filter. Without one, system events are filtered out on the
 * server (they are not the application's). `checkpointInterval: 1` asks for the server's own
 * rhythm (a checkpoint every 32 scanned events by default, and one on catching up).
 */
export function esdbFilter(filter: EventFilter | undefined, checkpointReached: (position: Position) => void): Filter {
  const options = { checkpointInterval: 1, checkpointReached: (_subscription: unknown, position: Position) => checkpointReached(position) };
  if (filter === undefined) return excludeSystemEvents(options);
  if ('streamNamePrefixes' in filter) return streamNameFilter({ prefixes: [...filter.streamNamePrefixes], ...options });
  return eventTypeFilter({ prefixes: [...filter.eventTypePrefixes], ...options });
}
