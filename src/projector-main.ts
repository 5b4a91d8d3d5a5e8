/**
 * The projector worker as its own process (`npm run projector`): folds the event log into the
 * read tables and runs the reactions, for deployments whose API runs with
 * PROJECTIONS_IN_PROCESS=false. Several may run; leases let exactly one run each projection.
 * PROJECTOR_HEALTH_PORT (projections.projector_health_port, optional) serves GET /health: what each runner does, and each checkpoint.
 */
import 'reflect-metadata';
import { ConfigError, loadSettings } from './config/load-settings';
import { buildContainer, buildProjectionWorker, projectionPositions } from './container';
import { createLogger } from './create-logger';
import { serveProjectorHealth, type HealthRoutes } from './projector-health';
import { openInfrastructure } from './service';
import { ReadModelsFromAnotherLogError } from '../projections';
import {
  DatabaseUnavailableError,
  EmbeddedDatabaseInUseError,
  EmbeddedPostgresNotInstalledError,
  EmbeddedPostgresStartError,
} from './shared/database';
import type { ProcessMetrics } from './metrics/process-metrics';

async function main(): Promise<void> {
  const { settings, warnings } = loadSettings();
  const logger = createLogger(settings.logs.level).child({ component: 'projector' });
  for (const warning of warnings) logger.warn(warning);
  const infrastructure = await openInfrastructure(settings, logger, undefined, { attachToRunningService: true });
  const positions = projectionPositions(infrastructure);
  const worker = buildProjectionWorker(buildContainer(infrastructure, positions), infrastructure, positions);
  worker.start();
  const port = settings.projections.projectorHealthPort;
  const health = port === undefined ? undefined : await serveProjectorHealth(port, worker, infrastructure.database, logger, metricsRoute(infrastructure.metrics));
  logger.info({ eventStore: settings.eventStore.kind }, 'projector started');

  // A second signal forces the exit, except the copy of the first that npm forwards: one
  // Ctrl-C reaches node from the terminal and again from npm, a few milliseconds apart.
  let first: { signal: NodeJS.Signals; at: number } | undefined;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (first !== undefined) {
      if (signal === first.signal && Date.now() - first.at < 1000) return;
      process.exit(1);
    }
    first = { signal, at: Date.now() };
    logger.info({ signal }, 'projector stopping');
    (async () => {
      health?.close();
      await worker.stop();
      await infrastructure.eventStore.close();
      await infrastructure.database.close();
    })().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'projector shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

/** GET /metrics beside /health, when the settings enable metrics. */
function metricsRoute(metrics: ProcessMetrics | undefined): HealthRoutes {
  return metrics === undefined ? {} : { '/metrics': (_request, response) => metrics.send(response) };
}

main().catch((error: unknown) => {
  const operational =
    error instanceof ConfigError ||
    error instanceof EmbeddedDatabaseInUseError ||
    error instanceof EmbeddedPostgresStartError ||
    error instanceof EmbeddedPostgresNotInstalledError ||
    error instanceof DatabaseUnavailableError ||
    error instanceof ReadModelsFromAnotherLogError;
  const message = operational ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`userledger projector failed to start: ${message}\n`);
  process.exit(1);
});
