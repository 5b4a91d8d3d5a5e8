import type { Database } from '../../src/shared/database/database';
import { announceChange } from '../checkpoint-store';
import { versionTable, type ProjectionDefinition } from '../projection';
import { ProjectionVersions } from '../projection-versions';

/**
 * Empties a projection's live table and moves its checkpoint back to the start of the log, in
 * one transaction that also moves the lease token: the worker's batch in flight cannot commit,
 * and it refolds from the start. Readers see an incomplete list until it catches up (a rebuild
 * avoids that); this is for incidents. For a reaction only the checkpoint moves: its handlers
 * are idempotent, so running them again changes nothing.
 */
export async function resetCheckpoint(db: Database, target: { projection: ProjectionDefinition } | { reaction: string }): Promise<string> {
  const name = 'projection' in target ? versionTable(target.projection.name, (await new ProjectionVersions(db).ensure(target.projection)).liveVersion) : target.reaction;
  await db.transaction(async (trx) => {
    await trx.raw('INSERT INTO projection_checkpoints (name) VALUES (?) ON CONFLICT (name) DO NOTHING', [name]);
    await trx('projection_checkpoints').where({ name }).forUpdate().first('name');
    if ('projection' in target) await target.projection.table.truncate(trx, name);
    await trx('projection_checkpoints').where({ name }).update({ position: null, lease_token: trx.raw('lease_token + 1'), skip_position: null, updated_at: trx.fn.now() });
    await announceChange(trx, name);
  });
  return name;
}
