import { excludeSystemEvents, type Filter, type Position } from '@eventstore/db-client';

/**
 * The server-side filter of every subscription: system events only, which are the store's and
 * not the application's. The port's own filter is applied by the subscription (see
 * esdbCatchUpSubscription for why). `checkpointInterval: 1` asks for the server's own rhythm (a
 * checkpoint every 32 scanned events by default, and one on catching up).
 */
export function esdbFilter(checkpointReached: (position: Position) => void): Filter {
  return excludeSystemEvents({ checkpointInterval: 1, checkpointReached: (_subscription: unknown, position: Position) => checkpointReached(position) });
}
