import type { Knex } from 'knex';
import type { Database } from '../../src/shared/database/database';
import type { EventStore, GlobalPosition, RecordedEvent } from '../../src/shared/event-store/event-store';
import { versionTable, type ProjectionDefinition } from '../projection';
import { ProjectionVersions } from '../projection-versions';

export interface RowDifference {
  readonly key: string;
  /** The row as the live table holds it, and as a fresh fold of the log makes it; null for none. */
  readonly table: Record<string, string | null> | null;
  readonly log: Record<string, string | null> | null;
}

export interface VerifyResult {
  readonly equal: boolean;
  readonly table: string;
  /** The checkpoint both sides were compared at. */
  readonly position: string | null;
  readonly rows: { readonly table: number; readonly log: number };
  /** The count readers use (`total`), against the rows the table holds; null for a table without one. */
  readonly maintainedCount: number | null;
  readonly missing: { readonly count: number; readonly first: readonly RowDifference[] };
  readonly extra: { readonly count: number; readonly first: readonly RowDifference[] };
  readonly different: { readonly count: number; readonly first: readonly RowDifference[] };
}

export interface VerifyOptions {
  readonly onProgress?: (events: number) => void;
  /** How many differing rows of each kind to show (5). */
  readonly show?: number;
}

const PAGE = 2_000;

/**
 * Folds the whole log again into a scratch table, up to exactly the live version's checkpoint,
 * and compares it with the live table row by row. The last stretch is folded while holding the
 * live checkpoint row, so the two sides stand at the same position; the live worker waits for
 * the comparison (its next commit queues on that row) and then goes on.
 */
export async function verifyProjection(db: Database, eventStore: EventStore, definition: ProjectionDefinition, options: VerifyOptions = {}): Promise<VerifyResult> {
  const record = await new ProjectionVersions(db).ensure(definition);
  const live = versionTable(definition.name, record.liveVersion);
  const scratch = `${definition.name}_verify_${process.pid}`;
  await db.transaction(async (trx) => {
    await definition.table.drop(trx, scratch);
    await definition.table.create(trx, scratch);
  });
  let folded = 0;
  let position: GlobalPosition | undefined;
  /** `inside` runs a batch's writes: in a transaction of their own, or in the comparison's. */
  const foldUpTo = async (inside: (work: (trx: Knex.Transaction) => Promise<void>) => Promise<void>, target: GlobalPosition): Promise<void> => {
    while (position === undefined || position < target) {
      const page = await eventStore.readAll({ ...(position === undefined ? {} : { after: position }), maxCount: PAGE, ...(definition.filter === undefined ? {} : { filter: definition.filter }) });
      const wanted = page.events.filter((event: RecordedEvent) => event.position <= target);
      if (wanted.length > 0) await inside((trx) => definition.apply(trx, scratch, wanted));
      folded += wanted.length;
      options.onProgress?.(folded);
      const reached = page.lastPosition === undefined ? target : page.lastPosition > target ? target : page.lastPosition;
      position = reached;
      if (page.isEnd) break;
    }
  };
  try {
    const before = await checkpointOf(db.knex, live);
    if (before !== undefined) await foldUpTo((work) => db.transaction(work), before);
    return await db.transaction(async (trx) => {
      const at = await checkpointOf(trx, live, true);
      if (at !== undefined) await foldUpTo((work) => work(trx), at);
      return compare(trx, definition, live, scratch, at, options.show ?? 5);
    });
  } finally {
    await db.transaction((trx) => definition.table.drop(trx, scratch)).catch(() => undefined);
  }
}

async function checkpointOf(q: Knex | Knex.Transaction, name: string, lock = false): Promise<GlobalPosition | undefined> {
  const query = q('projection_checkpoints').where({ name }).first('position');
  const row = (await (lock ? query.forUpdate() : query)) as { position: string | null } | undefined;
  return row?.position == null ? undefined : BigInt(row.position);
}

async function compare(trx: Knex.Transaction, definition: ProjectionDefinition, live: string, scratch: string, at: GlobalPosition | undefined, show: number): Promise<VerifyResult> {
  const { key, columns } = definition.table.comparison;
  const json = (alias: string): string => `json_build_object(${[key, ...columns].map((c) => `'${c}', ${alias}.${c}::text`).join(', ')})`;
  const distinct = `(${columns.map((c) => `l.${c}::text`).join(', ')}) IS DISTINCT FROM (${columns.map((c) => `s.${c}::text`).join(', ')})`;
  const count = async (sql: string): Promise<number> => Number(((await trx.raw(sql)) as { rows: { n: string }[] }).rows[0]?.n ?? 0);
  const differences = async (sql: string): Promise<RowDifference[]> =>
    ((await trx.raw(`${sql} ORDER BY 1 LIMIT ${show}`)) as { rows: { key: string; t: Record<string, string | null> | null; s: Record<string, string | null> | null }[] }).rows.map((row) => ({
      key: row.key,
      table: row.t,
      log: row.s,
    }));
  const missingFrom = `FROM ${scratch} s LEFT JOIN ${live} l ON l.${key} = s.${key} WHERE l.${key} IS NULL`;
  const extraFrom = `FROM ${live} l LEFT JOIN ${scratch} s ON s.${key} = l.${key} WHERE s.${key} IS NULL`;
  const differentFrom = `FROM ${live} l JOIN ${scratch} s ON s.${key} = l.${key} WHERE ${distinct}`;
  const tableRows = await count(`SELECT count(*) AS n FROM ${live}`);
  const maintained = definition.table.counted
    ? Number(((await trx('read_model_counts').where({ name: live }).first('value')) as { value: string } | undefined)?.value ?? 0)
    : null;
  const missing = { count: await count(`SELECT count(*) AS n ${missingFrom}`), first: await differences(`SELECT s.${key}::text AS key, NULL::json AS t, ${json('s')} AS s ${missingFrom}`) };
  const extra = { count: await count(`SELECT count(*) AS n ${extraFrom}`), first: await differences(`SELECT l.${key}::text AS key, ${json('l')} AS t, NULL::json AS s ${extraFrom}`) };
  const different = { count: await count(`SELECT count(*) AS n ${differentFrom}`), first: await differences(`SELECT l.${key}::text AS key, ${json('l')} AS t, ${json('s')} AS s ${differentFrom}`) };
  const equal = missing.count === 0 && extra.count === 0 && different.count === 0 && (maintained === null || maintained === tableRows);
  return {
    equal,
    table: live,
    position: at?.toString() ?? null,
    rows: { table: tableRows, log: await count(`SELECT count(*) AS n FROM ${scratch}`) },
    maintainedCount: maintained,
    missing,
    extra,
    different,
  };
}
