import type { DatabaseSettings, DatabaseTarget } from './open-database';
import { databaseTargetOf } from './open-database';
import { runningEmbeddedInstance } from './embedded-instance-file';

/**
 * The target for a script: the configured server; else the embedded database that a running
 * service serves (PGlite must not be opened twice on one directory); else PGlite opened by the
 * script itself on any free port.
 */
export function resolveDatabaseTarget(settings: DatabaseSettings): DatabaseTarget {
  const own = databaseTargetOf(settings);
  if (own.kind !== 'embedded') return own;
  const running = runningEmbeddedInstance(settings.dataDir);
  if (running !== undefined) return { kind: 'embedded-socket', host: running.host, port: running.port };
  return { kind: 'embedded', dataDir: settings.dataDir, port: 0 };
}
