import { Command } from 'commander';
import type { GlobalPosition } from '../../src/shared/event-store/event-store';
import { UsageError } from './audit-errors';
import { createAtomically, type AtomicFile } from './atomic-file';
import { withEventStore } from './audit-store';
import { exportLog, type ExportRange } from './export-log';
import { logProgress } from './log-progress';
import { Output } from './output';

const MAX_POSITION = 2n ** 64n - 1n;

function position(option: string, text: string | undefined): GlobalPosition | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || BigInt(text) > MAX_POSITION) throw new UsageError(`${option} takes a log position (digits, as X-Log-Position and the history write them), not '${text}'.`);
  return BigInt(text);
}

function rangeOf(options: { from?: string; to?: string }): ExportRange {
  const from = position('--from', options.from);
  const to = position('--to', options.to);
  if (from !== undefined && to !== undefined && from > to) throw new UsageError(`--from ${from} is after --to ${to}.`);
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
}

/** The first Ctrl-C or SIGTERM stops the export after its current page (a partial --out is removed); a second exits at once. */
function interruptible(): AbortSignal {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller.signal;
}

export function exportCommand(): Command {
  return new Command('export')
    .description('the whole log as NDJSON, one event per line, secrets removed (service bookkeeping left out)')
    .option('--from <position>', 'the first position to export (inclusive)')
    .option('--to <position>', 'the last position to export (inclusive)')
    .option('--out <file>', 'write to this file, which appears complete or not at all (default: stdout)')
    .action(async (options: { from?: string; to?: string; out?: string }) => {
      const range = rangeOf(options);
      const signal = interruptible();
      const file: AtomicFile | undefined = options.out === undefined ? undefined : await createAtomically(options.out);
      try {
        const summary = await withEventStore(async (store) => {
          const progress = logProgress('export', await store.headPosition());
          try {
            return await exportLog(store, range, new Output(file?.stream ?? process.stdout), { signal, onPage: (events, at) => progress.page(events, at) });
          } finally {
            progress.stop();
          }
        });
        await file?.commit();
        const span = summary.first === undefined ? '' : ` (positions ${summary.first} to ${summary.last})`;
        process.stderr.write(`export: ${summary.events.toLocaleString('en')} events${span}${options.out === undefined ? '' : ` written to ${options.out}`}.\n`);
      } catch (error) {
        await file?.discard();
        if (!signal.aborted) throw error;
        process.stderr.write(`export: interrupted${options.out === undefined ? '' : `; ${options.out} is left as it was`}.\n`);
        process.exitCode = 130;
      }
    });
}
