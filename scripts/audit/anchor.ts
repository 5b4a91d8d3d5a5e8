import { renameSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { anchorOf, type LogAnchor } from '../../src/shared/event-store/integrity/log-anchor';
import { EXIT_TAMPERED, UsageError, walkWithProgress, type WithStoredEvents } from './integrity-walk';

/**
 * `anchor [--out <file>]`: every stream's head (name, revision, hash) and a digest of them all,
 * to be kept outside the system. A log that fails its own chain check is still anchored as it
 * is, but the command says so and exits 1: an anchor must not bless tampering unnoticed.
 */
export function anchorCommand(withStoredEvents: WithStoredEvents): Command {
  return new Command('anchor')
    .description('print a digest of every stream\'s head, to keep outside the system for `verify --anchor`')
    .option('--out <file>', 'write the anchor to this file (default: standard output)')
    .action(async (options: { out?: string }) => {
      let found = 0;
      const anchor = await withStoredEvents(async (store) => {
        const walk = await walkWithProgress(store, 'anchor', () => found++);
        return anchorOf(walk.verifier.heads(), walk.lastPosition, new Date());
      });
      const text = anchorText(anchor);
      const summary = `anchor: ${anchor.streams.length.toLocaleString('en')} streams up to position ${anchor.position ?? 'none (empty log)'}, sha256 ${anchor.digest}`;
      if (options.out === undefined) {
        process.stdout.write(text);
        process.stderr.write(`${summary}\n`);
      } else {
        writeAtomically(options.out, text);
        process.stdout.write(`${summary}, written to ${options.out}\n`);
      }
      if (found > 0) {
        process.stderr.write(`anchor: the log fails its own chain check (${found} findings): run \`npm run audit -- verify\` before trusting this anchor.\n`);
        process.exitCode = EXIT_TAMPERED;
      }
    });
}

/** JSON with one stream per line, so that two anchors compare with diff. */
function anchorText(anchor: LogAnchor): string {
  const { streams, ...head } = anchor;
  const lines = streams.map((stream) => JSON.stringify(stream));
  return `${JSON.stringify(head).slice(0, -1)},"streams":[${lines.length === 0 ? '' : `\n${lines.join(',\n')}\n`}]}\n`;
}

function writeAtomically(file: string, text: string): void {
  const scratch = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(scratch, text, { mode: 0o644 });
    renameSync(scratch, file);
  } catch (error) {
    throw new UsageError(`--out: cannot write ${file}: ${(error as Error).message}`);
  }
}
