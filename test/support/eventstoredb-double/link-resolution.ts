import type { EventLog } from './event-log';
import type { ResolvedRecord } from './proto-mapping';
import type { StoredEvent } from './stored-event';
import { LINK_EVENT_TYPE } from './stored-event';
import { visibleEvents } from './stream-metadata';

/** A `$>` event's data is `revision@stream`; the target must still be readable in its stream. */
function linkTarget(log: EventLog, link: StoredEvent): StoredEvent | undefined {
  const text = Buffer.from(link.data).toString('utf8');
  const separator = text.indexOf('@');
  if (separator <= 0) return undefined;
  const revisionText = text.slice(0, separator);
  if (!/^\d+$/.test(revisionText)) return undefined;
  const streamName = text.slice(separator + 1);
  if (log.stream(streamName)?.tombstone) return undefined;
  const revision = BigInt(revisionText);
  return visibleEvents(log, streamName).find((event) => event.revision === revision);
}

/** Links stay unresolved unless asked; a link whose target is gone comes back with the link alone (rule 21). */
export function resolve(log: EventLog, record: StoredEvent, resolveLinks: boolean): ResolvedRecord {
  if (!resolveLinks || record.type !== LINK_EVENT_TYPE) return { event: record, link: undefined, original: record };
  return { event: linkTarget(log, record), link: record, original: record };
}
