/**
 * The operators' tools for the read models, on either event store:
 *   npm run projections -- <names|status|rebuild|verify|reset|pause|resume> [options]
 * Each command has --help. Misuse exits 2 with one line; a failed check or operation exits 1.
 */
import 'reflect-metadata';
import { createInterface } from 'node:readline/promises';
import { Command, CommanderError } from 'commander';
import { CheckpointStore } from '../../projections/checkpoint-store';
import { REACTIONS, projectionCatalog } from '../../projections/catalog';
import { readProjectionStatus } from '../../projections/operations/projection-status';
import { rebuildProjection } from '../../projections/operations/rebuild';
import { BUILD_CACHED_ROWS } from '../../projections/row-projection';
import { resetCheckpoint } from '../../projections/operations/reset';
import { verifyProjection } from '../../projections/operations/verify';
import { versionTable, type ProjectionDefinition } from '../../projections/projection';
import { ProjectionVersions } from '../../projections/projection-versions';
import { checkReadModelsLog } from '../../projections/read-model-source';
import { loadSettings } from '../../src/config/load-settings';
import { createLogger } from '../../src/create-logger';
import { eventStoreFor, openConfiguredDatabase } from '../../src/configured-stores';
import type { Database } from '../../src/shared/database';
import type { EventStore } from '../../src/shared/event-store/event-store';
import { formatStatus, formatVerify } from './format';
import { progressReporter } from './progress';

/** Misuse: a bad name or option. Exit 2. */
class UsageError extends Error {}

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

interface Stores {
  readonly db: Database;
  readonly eventStore: EventStore;
}

/** The configured database (the running service's embedded one included) and event store. */
async function withStores<T>(work: (stores: Stores) => Promise<T>): Promise<T> {
  const { settings } = loadSettings();
  const logger = createLogger(settings.logs.level === 'silent' ? 'silent' : 'warn', process.stderr);
  const { database } = await openConfiguredDatabase(settings, logger, { attachToRunningService: true });
  const eventStore = eventStoreFor(settings, database, logger);
  try {
    return await work({ db: database, eventStore });
  } finally {
    await eventStore.close();
    await database.close();
  }
}

function projectionNamed(name: string): ProjectionDefinition {
  const found = projectionCatalog().find((definition) => definition.name === name);
  if (found !== undefined) return found;
  const hint = REACTIONS.includes(name) ? ` ('${name}' is a reaction: it has no table to rebuild or verify)` : '';
  throw new UsageError(`Unknown projection '${name}'${hint}: one of ${projectionCatalog().map((d) => d.name).join(', ')}.`);
}

/** The checkpoint a name stands for: a projection's live version, or a reaction. */
async function checkpointNamed(db: Database, name: string): Promise<string> {
  const definition = projectionCatalog().find((d) => d.name === name);
  if (definition !== undefined) return versionTable(name, (await new ProjectionVersions(db).ensure(definition)).liveVersion);
  if (REACTIONS.includes(name)) return name;
  throw unknownName(name);
}

function unknownName(name: string): UsageError {
  return new UsageError(`Unknown projection or reaction '${name}': one of ${[...projectionCatalog().map((d) => d.name), ...REACTIONS].join(', ')}.`);
}

function positiveCount(option: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${option} takes a whole number of at least 1, not '${value}'.`);
  return Number(value);
}

function wholeNumber(option: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${option} takes a whole number, not '${value}'.`);
  return Number(value);
}

/** Aborts on the first Ctrl-C or SIGTERM (the work stops at its next batch); a second one exits at once. */
function interruptible(): AbortSignal {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping after the current batch (again to quit at once)…\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller.signal;
}

async function confirmed(name: string): Promise<boolean> {
  if (process.stdin.isTTY !== true) throw new UsageError(`reset ${name} empties its table: pass --yes to confirm (there is no terminal to ask on).`);
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await prompt.question(`This empties ${name} and folds it again from the start of the log; until then its readers see it incomplete.\nType the name to confirm: `);
  prompt.close();
  return answer.trim() === name;
}

function program(): Command {
  const root = new Command('projections')
    .description('Operate the read models: their status, rebuilds without downtime, verification against the log.')
    .showHelpAfterError(false)
    .exitOverride();

  root
    .command('names')
    .description('list the projections and the reactions')
    .action(() => {
      for (const definition of projectionCatalog()) process.stdout.write(`${definition.name}\tprojection\n`);
      for (const name of REACTIONS) process.stdout.write(`${name}\treaction\n`);
    });

  root
    .command('status')
    .description('per projection and reaction: version, checkpoint, lag, lease and state')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const statuses = await withStores(({ db, eventStore }) => readProjectionStatus(db, eventStore));
      process.stdout.write(options.json === true ? `${JSON.stringify(statuses, null, 2)}\n` : `${formatStatus(statuses)}\n`);
    });

  root
    .command('rebuild')
    .description('build the next version beside the live one from the start of the log, then switch the readers to it')
    .argument('<name>', 'the projection')
    .option('--keep-old', 'keep the replaced version\'s table')
    .option('--batch-size <events>', 'events per transaction (10000): smaller batches stop sooner on Ctrl-C and hold locks for less time')
    .option('--cache-rows <rows>', `rows kept in memory to spare load queries (${BUILD_CACHED_ROWS}; about 0.5 KB each for users; 0 keeps none)`)
    .action(async (name: string, options: { keepOld?: boolean; batchSize?: string; cacheRows?: string }) => {
      const definition = projectionNamed(name);
      const batchSize = options.batchSize === undefined ? undefined : positiveCount('--batch-size', options.batchSize);
      const maxCachedRows = options.cacheRows === undefined ? undefined : wholeNumber('--cache-rows', options.cacheRows);
      const signal = interruptible();
      await withStores(async ({ db, eventStore }) => {
        await checkReadModelsLog(db, eventStore);
        const progress = progressReporter(`rebuild ${name}`);
        try {
          const result = await rebuildProjection(db, eventStore, definition, {
            keepOld: options.keepOld === true,
            ...(batchSize === undefined ? {} : { batchSize }),
            ...(maxCachedRows === undefined ? {} : { maxCachedRows }),
            signal,
            onProgress: (p) => progress.update(p.events, p.fraction, p.phase),
          });
          progress.stop();
          if (result.outcome === 'interrupted') {
            process.stderr.write(`rebuild of ${name} (version ${result.version}) stopped after ${result.events.toLocaleString('en')} events; run it again to resume.\n`);
            process.exitCode = 130;
            return;
          }
          process.stdout.write(
            `${name}: version ${result.version} is live (${result.events.toLocaleString('en')} events folded${result.resumed ? ', resumed' : ''}); ` +
              `version ${result.previous} ${result.dropped ? 'dropped' : options.keepOld === true ? 'kept' : 'kept (its table was locked: drop it later)'}.\n`,
          );
        } finally {
          progress.stop();
        }
      });
    });

  root
    .command('verify')
    .description('fold the log into a scratch table and compare it with the live table (exit 1 when they differ)')
    .argument('<name>', 'the projection')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { json?: boolean }) => {
      const definition = projectionNamed(name);
      const result = await withStores(async ({ db, eventStore }) => {
        await checkReadModelsLog(db, eventStore);
        const progress = progressReporter(`verify ${name}`);
        try {
          return await verifyProjection(db, eventStore, definition, { onProgress: (events) => progress.update(events, undefined, 'folding') });
        } finally {
          progress.stop();
        }
      });
      process.stdout.write(options.json === true ? `${JSON.stringify(result, null, 2)}\n` : `${formatVerify(name, result)}\n`);
      if (!result.equal) process.exitCode = EXIT_FAILED;
    });

  root
    .command('reset')
    .description('empty a projection and fold it again from the start (its readers see it incomplete meanwhile); for a reaction, run it again from the start')
    .argument('<name>', 'the projection or reaction')
    .option('--yes', 'do not ask for confirmation')
    .action(async (name: string, options: { yes?: boolean }) => {
      const definition = projectionCatalog().find((d) => d.name === name);
      if (definition === undefined && !REACTIONS.includes(name)) throw unknownName(name);
      if (options.yes !== true && !(await confirmed(name))) throw new UsageError(`reset ${name}: not confirmed; nothing changed.`);
      const checkpoint = await withStores(({ db }) => resetCheckpoint(db, definition === undefined ? { reaction: name } : { projection: definition }));
      process.stdout.write(`${checkpoint}: reset to the start of the log; its worker folds it again.\n`);
    });

  root
    .command('pause')
    .description('stop a projection or reaction at its next batch, for an incident')
    .argument('<name>', 'the projection or reaction')
    .action(async (name: string) => {
      await withStores(async ({ db }) => {
        const checkpoint = await checkpointNamed(db, name);
        await db.knex.raw('INSERT INTO projection_checkpoints (name) VALUES (?) ON CONFLICT (name) DO NOTHING', [checkpoint]);
        await new CheckpointStore(db).pause(checkpoint);
        process.stdout.write(`${checkpoint}: paused; \`resume ${name}\` lets it go on.\n`);
      });
    });

  root
    .command('resume')
    .description('let a paused or stopped projection or reaction go on')
    .argument('<name>', 'the projection or reaction')
    .option('--skip <position>', 'pass over the event at this position (the one it stopped at), once')
    .action(async (name: string, options: { skip?: string }) => {
      if (options.skip !== undefined && !/^\d+$/.test(options.skip)) throw new UsageError(`--skip takes an event's position (digits), not '${options.skip}'.`);
      await withStores(async ({ db }) => {
        const checkpoint = await checkpointNamed(db, name);
        const resumed = await new CheckpointStore(db).resume(checkpoint, options.skip === undefined ? undefined : BigInt(options.skip));
        process.stdout.write(resumed ? `${checkpoint}: resumed${options.skip === undefined ? '' : `, passing over the event at ${options.skip}`}.\n` : `${checkpoint}: nothing to resume.\n`);
      });
    });

  return root;
}

async function main(argv: readonly string[]): Promise<number> {
  try {
    await program().parseAsync(argv as string[], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander printed its message (or the help) already.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`projections: ${message}\n`);
    return error instanceof UsageError ? EXIT_USAGE : EXIT_FAILED;
  }
}

void main(process.argv.slice(2)).then((code) => process.exit(code));
