import type { EventStore, GlobalPosition } from '../event-store';
import { ChainVerifier, type Finding } from './chain-verification';

export interface LogWalkOptions {
  /** Events read per page; memory holds one page. */
  readonly pageSize?: number;
  /** Called with each finding as soon as the walk settles it. */
  readonly onFinding?: (finding: Finding) => void;
  /** Called after every page: events so far, and the share of the log behind them (by position). */
  readonly onProgress?: (events: number, fraction: number | undefined) => void;
}

export interface LogWalk {
  readonly verifier: ChainVerifier;
  /** The last position read; undefined for an empty log. */
  readonly lastPosition: GlobalPosition | undefined;
}

/** Reads the whole global log page by page and checks every stream's chain as it goes. */
export async function walkChains(store: EventStore, options: LogWalkOptions = {}): Promise<LogWalk> {
  const verifier = new ChainVerifier();
  const report = options.onFinding ?? (() => undefined);
  const head = await store.headPosition();
  let after: GlobalPosition | undefined;
  let first: GlobalPosition | undefined;
  for (;;) {
    const page = await store.readAll({ ...(after === undefined ? {} : { after }), maxCount: options.pageSize ?? 1000 });
    for (const event of page.events) {
      first ??= event.position;
      verifier.observe(event).forEach(report);
    }
    if (page.lastPosition !== undefined) after = page.lastPosition;
    options.onProgress?.(verifier.totals().events, fractionOf(first, after, head));
    if (page.isEnd || page.lastPosition === undefined) break;
  }
  verifier.finish().forEach(report);
  return { verifier, lastPosition: after };
}

function fractionOf(first: GlobalPosition | undefined, at: GlobalPosition | undefined, head: GlobalPosition | undefined): number | undefined {
  if (head === undefined || first === undefined || at === undefined) return undefined;
  if (head <= first) return 1;
  return Math.min(1, Number(at - first) / Number(head - first));
}
