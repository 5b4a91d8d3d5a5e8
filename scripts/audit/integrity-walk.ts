import type { EventStore } from '../../src/shared/event-store/event-store';
import type { Finding } from '../../src/shared/event-store/integrity/chain-verification';
import { walkChains, type LogWalk } from '../../src/shared/event-store/integrity/log-walk';
import { maskSessionStreams } from '../../src/shared/session-stream-mask';
import { progressReporter } from '../projections/progress';

/** Where the integrity commands find the log: the adapter itself, so events are hashed as stored. */
export type WithStoredEvents = <T>(work: (store: EventStore) => Promise<T>) => Promise<T>;

/** Exit codes of the integrity commands. */
export const EXIT_TAMPERED = 1;
export const EXIT_USAGE = 2;

/** Misuse, or an input file that cannot be used: exit 2 with one line. */
export class UsageError extends Error {}

const PLAIN_PROGRESS_EVERY_MS = 2_000;

/** The whole log's chains, with progress on stderr: a bar on a terminal, a line every 2 s otherwise. */
export async function walkWithProgress(store: EventStore, label: string, onFinding: (finding: Finding) => void): Promise<LogWalk> {
  const progress = progressReporter(label);
  const terminal = process.stderr.isTTY === true;
  let shown = Date.now();
  try {
    return await walkChains(store, {
      onFinding,
      onProgress: (events, fraction) => {
        if (!terminal && Date.now() - shown < PLAIN_PROGRESS_EVERY_MS) return;
        shown = Date.now();
        progress.update(events, fraction, 'reading the log');
      },
    });
  } finally {
    progress.stop();
  }
}

/** A finding as one line of NDJSON: positions and revisions as strings, as X-Log-Position writes them. */
export function findingJson(finding: Finding): Record<string, unknown> {
  return {
    kind: finding.kind,
    stream: maskSessionStreams(finding.streamName),
    revision: finding.revision.toString(),
    ...(finding.toRevision === undefined ? {} : { to_revision: finding.toRevision.toString() }),
    ...(finding.position === undefined ? {} : { position: finding.position.toString() }),
    detail: finding.detail,
  };
}

/** A finding as one line of text: what, which event, where, why. */
export function findingLine(finding: Finding): string {
  const revisions = finding.toRevision === undefined ? `revision ${finding.revision}` : `revisions ${finding.revision}-${finding.toRevision}`;
  const where = finding.position === undefined ? '' : ` (position ${finding.position})`;
  return `${finding.kind.padEnd(16)} ${maskSessionStreams(finding.streamName)} ${revisions}${where}: ${finding.detail}`;
}
