import type { Database } from '../../src/shared/database/database';
import { REACTIONS, projectionCatalog } from '../catalog';
import { CheckpointStore, PAUSED } from '../checkpoint-store';
import { versionTable } from '../projection';
import { ProjectionVersions } from '../projection-versions';

/** A projection or reaction that will not move until an operator acts. */
export interface StoppedProjection {
  readonly name: string;
  /** Its checkpoint row: a projection's live version, or the reaction's name. */
  readonly checkpoint: string;
  readonly reason: string;
}

/**
 * What the readiness probe refuses to be ready with: the live versions and reactions stopped at an
 * event they could not apply, or because the event store serves another log. A pause is an
 * operator's choice, and a projection no worker runs may simply be waiting for its projector
 * process: neither makes the service unready (status and /metrics show both). A rebuild that
 * stopped does not either: the API still reads the live version. Two small reads, no lag count.
 */
export async function stoppedProjections(db: Database): Promise<StoppedProjection[]> {
  const rows = new Map((await new CheckpointStore(db).rows()).map((row) => [row.name, row]));
  const versions = new Map((await new ProjectionVersions(db).all()).map((record) => [record.name, record]));
  const live = [
    ...projectionCatalog().map((definition) => ({
      name: definition.name,
      checkpoint: versionTable(definition.name, versions.get(definition.name)?.liveVersion ?? 1),
    })),
    ...REACTIONS.map((name) => ({ name, checkpoint: name })),
  ];
  const stopped: StoppedProjection[] = [];
  for (const { name, checkpoint } of live) {
    const row = rows.get(checkpoint);
    if (row === undefined || row.retired || row.stoppedReason === undefined || row.stoppedReason === PAUSED) continue;
    stopped.push({ name, checkpoint, reason: row.stoppedReason });
  }
  return stopped;
}
