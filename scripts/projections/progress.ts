import { SingleBar } from 'cli-progress';

export interface ProgressReporter {
  update(events: number, fraction: number | undefined, phase: string): void;
  stop(): void;
}

/**
 * A live bar on a terminal (cli-progress), and a plain line every few seconds otherwise (a log,
 * a CI job): events done, their rate, the share of the log scanned and the time left.
 */
export function progressReporter(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  const started = Date.now();
  const rateOf = (events: number): number => events / Math.max(0.001, (Date.now() - started) / 1000);
  const etaOf = (fraction: number | undefined): string => {
    if (fraction === undefined || fraction <= 0) return '?';
    const left = ((Date.now() - started) / 1000 / fraction) * (1 - fraction);
    return `${Math.ceil(left)} s`;
  };
  if (stream.isTTY === true) {
    const bar = new SingleBar(
      { format: `${label} [{bar}] {percentage}% | {events} events | {rate}/s | ETA {left} | {phase}`, stream, hideCursor: true, etaBuffer: 50 },
    );
    bar.start(100, 0, { events: 0, rate: 0, left: '?', phase: 'starting' });
    return {
      update(events, fraction, phase) {
        bar.update(Math.round((fraction ?? 0) * 100), { events: events.toLocaleString('en'), rate: Math.round(rateOf(events)).toLocaleString('en'), left: etaOf(fraction), phase });
      },
      stop: () => bar.stop(),
    };
  }
  let lastLine = 0;
  return {
    update(events, fraction, phase) {
      if (Date.now() - lastLine < 2_000 && phase === 'folding') return;
      lastLine = Date.now();
      const share = fraction === undefined ? '' : `, ${Math.round(fraction * 100)}% of the log`;
      stream.write(`${label}: ${phase}, ${events.toLocaleString('en')} events, ${Math.round(rateOf(events)).toLocaleString('en')}/s${share}, ETA ${etaOf(fraction)}\n`);
    },
    stop: () => undefined,
  };
}
