// The read side's public surface for the composition root and scripts.
export type { Processor, ProjectionDefinition } from './projection';
export { versionTable } from './projection';
export { ProjectionVersions, type VersionRecord } from './projection-versions';
export { ProjectionWorker, type ProjectionWorkerOptions } from './worker';
export { ProjectionPositions, type WaitOptions } from './projection-positions';
export { CheckpointStore, CheckpointConflictError, type Lease } from './checkpoint-store';
export { usersProjection } from './users/users.projection';
export { PgUserDirectoryReader } from './users/users.reader';
export { UsersReadModelFreshness, type UsersFreshnessOptions } from './users/users.freshness';
export { InvalidCursorError } from './users/users-cursor';
export { userSessionsProjection } from './user-sessions/user-sessions.projection';
export { PgUserSessionsIndex } from './user-sessions/user-sessions.reader';
export { endSessionsOnSessionsRevokedProcessor, endSessionsOnUserDeactivatedProcessor } from './user-sessions/end-sessions-processor';
export { checkReadModelsLog, claimReadModelsForLog, ReadModelsFromAnotherLogError, LOG_IDENTITY_STREAM } from './read-model-source';
export { projectionCatalog, REACTIONS } from './catalog';
