import type { GlobalPosition } from '../../src/shared/event-store/event-store';
import { progressReporter } from '../projections/progress';

export interface LogProgress {
  /** After each page: the events handled so far and the position the scan has reached. */
  page(events: number, position: GlobalPosition | undefined): void;
  stop(): void;
}

/**
 * Progress of a scan of the log on stderr, for long runs only: nothing before the first second,
 * then a bar on a terminal, or a plain line every few seconds otherwise. The share of the log is
 * measured in positions, from the first one scanned to the head at the start.
 */
export function logProgress(label: string, head: GlobalPosition | undefined, stream: NodeJS.WriteStream = process.stderr): LogProgress {
  const started = Date.now();
  const interval = stream.isTTY === true ? 200 : 2_000;
  let reporter: ReturnType<typeof progressReporter> | undefined;
  let first: GlobalPosition | undefined;
  let shown = 0;
  const fraction = (position: GlobalPosition | undefined): number | undefined => {
    if (head === undefined || position === undefined || first === undefined || head <= first) return undefined;
    const share = Number(position - first) / Number(head - first);
    return Math.min(1, Math.max(0, share));
  };
  return {
    page(events, position) {
      first ??= position;
      const now = Date.now();
      if (now - started < 1_000 || now - shown < interval) return;
      shown = now;
      reporter ??= progressReporter(label, stream);
      reporter.update(events, fraction(position), 'reading');
    },
    stop: () => reporter?.stop(),
  };
}
