import type { Knex } from 'knex';
import type { Database } from '../src/shared/database/database';
import { announceChange } from './checkpoint-store';
import { versionTable, type ProjectionDefinition } from './projection';

/** Which version of a projection the API reads, and which one a rebuild is building. */
export interface VersionRecord {
  readonly name: string;
  readonly liveVersion: number;
  readonly buildingVersion: number | undefined;
  readonly switchedAt: Date | undefined;
}

const TABLE = 'projection_versions';

interface StoredVersion {
  name: string;
  live_version: number;
  building_version: number | null;
  switched_at: Date | null;
}

const fromStored = (row: StoredVersion): VersionRecord => ({
  name: row.name,
  liveVersion: row.live_version,
  buildingVersion: row.building_version ?? undefined,
  switchedAt: row.switched_at ?? undefined,
});

/** The version records in PostgreSQL, and the DDL that goes with them. */
export class ProjectionVersions {
  constructor(private readonly db: Database) {}

  async record(name: string, q: Knex | Knex.Transaction = this.db.knex): Promise<VersionRecord | undefined> {
    const row = (await q(TABLE).where({ name }).first()) as StoredVersion | undefined;
    return row === undefined ? undefined : fromStored(row);
  }

  async all(): Promise<VersionRecord[]> {
    const rows = (await this.db.knex(TABLE).orderBy('name')) as StoredVersion[];
    return rows.map(fromStored);
  }

  /**
   * The live version, made the first time a projection is met (version 1, its table, indexes and
   * views). Processes starting together make it once: the others wait on the row and see it.
   */
  async ensure(definition: ProjectionDefinition): Promise<VersionRecord> {
    const known = await this.record(definition.name);
    if (known !== undefined) return known;
    return this.db.transaction(async (trx) => {
      const inserted = (await trx(TABLE).insert({ name: definition.name, live_version: 1 }).onConflict('name').ignore().returning('*')) as StoredVersion[];
      if (inserted[0] !== undefined) {
        const table = versionTable(definition.name, 1);
        await definition.table.create(trx, table);
        await definition.table.createIndexes(trx, table);
        for (const view of definition.table.views(definition.name, table)) await trx.raw(view);
      }
      return (await this.record(definition.name, trx)) as VersionRecord;
    });
  }

  /**
   * The version a rebuild fills: the one already being built (a rebuild resumed), or the next
   * after the live one, created empty (without its secondary indexes) and recorded.
   */
  async beginBuilding(definition: ProjectionDefinition): Promise<{ version: number; resumed: boolean }> {
    await this.ensure(definition);
    return this.db.transaction(async (trx) => {
      const record = fromStored((await trx(TABLE).where({ name: definition.name }).forUpdate().first()) as StoredVersion);
      if (record.buildingVersion !== undefined) return { version: record.buildingVersion, resumed: true };
      const version = record.liveVersion + 1;
      const table = versionTable(definition.name, version);
      // A table of that version with no record of a build is a leftover: start it afresh.
      await definition.table.drop(trx, table);
      await trx('projection_checkpoints').where({ name: table }).delete();
      await definition.table.create(trx, table);
      await trx(TABLE).where({ name: definition.name }).update({ building_version: version });
      return { version, resumed: false };
    });
  }

  /**
   * Inside the switch's transaction: the built version becomes the live one, its views repoint
   * the readers, and the old version's checkpoint is retired (its token moves, so the worker
   * still running it cannot commit another batch). The views are replaced last: they take a
   * lock every read waits on until the commit.
   */
  async switchTo(trx: Knex.Transaction, definition: ProjectionDefinition, version: number): Promise<void> {
    const record = fromStored((await trx(TABLE).where({ name: definition.name }).forUpdate().first()) as StoredVersion);
    const old = versionTable(definition.name, record.liveVersion);
    const table = versionTable(definition.name, version);
    await trx(TABLE).where({ name: definition.name }).update({ live_version: version, building_version: null, switched_at: trx.fn.now() });
    await trx('projection_checkpoints')
      .where({ name: old })
      .update({ retired: true, lease_token: trx.raw('lease_token + 1'), lease_owner: null, lease_expires_at: null, lease_backend_pid: null });
    await announceChange(trx, definition.name);
    for (const view of definition.table.views(definition.name, table)) await trx.raw(view);
  }
}
