/**
 * The projector as its own process, for deployments whose API runs with
 * PROJECTIONS_IN_PROCESS=false. Several may run; leases let exactly one run each projection.
 */
import 'reflect-metadata';
import { loadSettings } from './config/load-settings';
import { buildContainer, buildProjectionWorker, projectionPositions } from './container';
import { createLogger } from './create-logger';
import { runProcess, type RunningProcess } from './process-lifecycle';
import { serveProjectorHealth, type HealthRoutes } from './projector-health';
import { openInfrastructure } from './infrastructure';
import type { ProcessMetrics } from './metrics/process-metrics';

async function main(): Promise<RunningProcess> {
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
  const stop = async (): Promise<void> => {
    health?.close();
    await worker.stop();
    await infrastructure.eventStore.close();
    await infrastructure.database.close();
  };
  return { logger, stoppingMessage: 'projector stopping', stopFailedMessage: 'projector shutdown failed', stop };
}

function metricsRoute(metrics: ProcessMetrics | undefined): HealthRoutes {
  return metrics === undefined ? {} : { '/metrics': (_request, response) => metrics.send(response) };
}

runProcess('userledger projector', main);
