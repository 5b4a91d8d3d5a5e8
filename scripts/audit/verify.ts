import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { Finding } from '../../src/shared/event-store/integrity/chain-verification';
import { AnchorFileError, checkAnchor, parseAnchor, type LogAnchor } from '../../src/shared/event-store/integrity/log-anchor';
import { sessionStreamDigestName } from '../../src/shared/session-stream-mask';
import { EXIT_TAMPERED, UsageError, findingJson, findingLine, walkWithProgress, type WithStoredEvents } from './integrity-walk';

/**
 * `verify [--json] [--anchor <file>]`: recomputes every stream's chain and names each event
 * edited, removed or reordered; with an anchor, also streams deleted or cut since it was taken,
 * and heads rewritten. Exit 0 when intact, 1 when anything was found.
 */
export function verifyCommand(withStoredEvents: WithStoredEvents): Command {
  return new Command('verify')
    .description('recompute every stream\'s hash chain; exit 1 naming each event edited, removed or reordered (0 when intact)')
    .option('--json', 'print NDJSON: one line per finding, then a summary line')
    .option('--anchor <file>', 'also check the log against an anchor taken earlier (npm run audit -- anchor)')
    .action(async (options: { json?: boolean; anchor?: string }) => {
      const anchor = options.anchor === undefined ? undefined : readAnchor(options.anchor);
      const json = options.json === true;
      let found = 0;
      const report = (finding: Finding): void => {
        found++;
        process.stdout.write(`${json ? JSON.stringify(findingJson(finding)) : findingLine(finding)}\n`);
      };
      const totals = await withStoredEvents(async (store) => {
        const walk = await walkWithProgress(store, 'verify', report);
        if (anchor !== undefined) {
          // Session streams are anchored by digest: the walk knows every stream the log still shows.
          const byDigestName = new Map<string, string>();
          for (const [streamName] of walk.verifier.heads()) {
            const anchoredName = sessionStreamDigestName(streamName);
            if (anchoredName !== streamName) byDigestName.set(anchoredName, streamName);
          }
          (await checkAnchor(store, anchor, { streamNamed: (name) => byDigestName.get(name) })).forEach(report);
        }
        return walk.verifier.totals();
      });
      const summary = {
        intact: found === 0,
        findings: found,
        events: totals.events,
        streams: totals.streams,
        unchained_events: totals.unchainedEvents,
        streams_with_unchained_events: totals.streamsWithUnchainedEvents,
        anchor: anchor === undefined ? null : { created_at: anchor.createdAt, streams: anchor.streams.length, digest: anchor.digest },
      };
      process.stdout.write(json ? `${JSON.stringify({ kind: 'summary', ...summary })}\n` : `${summaryLine(summary, anchor)}\n`);
      if (found > 0) process.exitCode = EXIT_TAMPERED;
    });
}

function readAnchor(file: string): LogAnchor {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--anchor: cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return parseAnchor(text);
  } catch (error) {
    if (error instanceof AnchorFileError) throw new UsageError(`--anchor: ${file} is no usable anchor: ${error.message}.`);
    throw error;
  }
}

function summaryLine(summary: { intact: boolean; findings: number; events: number; streams: number; unchained_events: number; streams_with_unchained_events: number }, anchor: LogAnchor | undefined): string {
  const count = (n: number): string => n.toLocaleString('en');
  const scope = `${count(summary.events)} events in ${count(summary.streams)} streams`;
  const unchained = summary.unchained_events === 0 ? '' : `; ${count(summary.unchained_events)} events in ${count(summary.streams_with_unchained_events)} streams are unchained (written before the chain existed)`;
  const against = anchor === undefined ? '' : `; checked against the anchor of ${anchor.createdAt} (${count(anchor.streams.length)} streams, sha256 ${anchor.digest})`;
  return summary.intact
    ? `intact: ${scope}${unchained}${against}.`
    : `tampered: ${count(summary.findings)} finding${summary.findings === 1 ? '' : 's'} in ${scope}${unchained}${against}.`;
}
