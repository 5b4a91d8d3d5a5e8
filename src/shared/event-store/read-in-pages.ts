import type { EventFilter, EventStore, GlobalPosition, ReadAllResult, RecordedEvent } from './event-store';

/** A stream's events a page at a time, so that a reader of a long stream holds one page, never the stream. */
export async function* streamPages(store: EventStore, streamName: string, pageSize = 500): AsyncGenerator<RecordedEvent[]> {
  let fromRevision = 0n;
  for (;;) {
    const page = await store.readStream(streamName, { fromRevision, maxCount: pageSize });
    if (page.length > 0) yield page;
    const last = page.at(-1);
    if (last === undefined || page.length < pageSize) return;
    fromRevision = last.revision + 1n;
  }
}

export interface LogPagesOptions {
  /** Exclusive; omitted: from the start of the log. */
  readonly after?: GlobalPosition;
  readonly filter?: EventFilter;
  readonly pageSize?: number;
}

/**
 * The global log a page at a time, up to the head as it stands when each page is read. A page
 * may hold no event (a filter matched nothing in it) and still move `lastPosition` on.
 */
export async function* logPages(store: EventStore, options: LogPagesOptions = {}): AsyncGenerator<ReadAllResult> {
  let after = options.after;
  for (;;) {
    const page = await store.readAll({
      ...(after === undefined ? {} : { after }),
      ...(options.filter === undefined ? {} : { filter: options.filter }),
      maxCount: options.pageSize ?? 1000,
    });
    yield page;
    if (page.isEnd || page.lastPosition === undefined || page.lastPosition === after) return;
    after = page.lastPosition;
  }
}
