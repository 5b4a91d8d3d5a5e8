import type { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import type { StoredEvent } from './stored-event';

/** A server-side $all filter on stream name or event type, by prefixes or a regex (rule 20). */
export interface AllFilter {
  readonly matches: (event: StoredEvent) => boolean;
  /** How many records one page scans: the request's maxSearchWindow, else the server default. */
  readonly searchWindow: number;
  /** Scanned records between two checkpoint messages. */
  readonly checkpointInterval: number;
}

export function allFilterOf(options: ReadReq.Options, defaultSearchWindow: number): AllFilter | undefined {
  if (!options.hasFilter()) return undefined;
  const filter = options.getFilter() as ReadReq.Options.FilterOptions;
  const onStreamName = filter.hasStreamIdentifier();
  const expression = onStreamName ? filter.getStreamIdentifier() : filter.getEventType();
  const prefixes = expression?.getPrefixList() ?? [];
  const pattern = expression?.getRegex() ?? '';
  const regex = prefixes.length === 0 && pattern !== '' ? new RegExp(pattern) : undefined;
  const subject = (event: StoredEvent): string => (onStreamName ? event.streamName : event.type);
  const matches = (event: StoredEvent): boolean => {
    const value = subject(event);
    if (prefixes.length > 0) return prefixes.some((prefix) => value.startsWith(prefix));
    return regex ? regex.test(value) : true;
  };
  const searchWindow = filter.hasMax() && filter.getMax() > 0 ? filter.getMax() : defaultSearchWindow;
  const multiplier = Math.max(1, filter.getCheckpointintervalmultiplier());
  return { matches, searchWindow, checkpointInterval: searchWindow * multiplier };
}
