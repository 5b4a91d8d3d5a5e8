/**
 * The projector worker as its own process (`npm run projector`): folds the event log into the
 * read tables and runs the reactions, for deployments whose API runs with
 * PROJECTIONS_IN_PROCESS=false. Several may run; leases let exactly one run each projection.
 * PROJECTOR_HEALTH_PORT (optional) serves GET /health with each projection's checkpoint and this
 * process's role for it (active or standby).
 */
import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { ConfigError, loadSettings } from './config/load-settings';
import { buildContainer, buildProjectionWorker, projectionPositions } from './container';
import { createLogger } from './create-logger';
import { openInfrastructure } from './service';
import { ReadModelsFromAnotherLogError } from '../projections';
import {
  DatabaseUnavailableError,
  EmbeddedDatabaseInUseError,
  EmbeddedPostgresNotInstalledError,
  EmbeddedPostgresStartError,
} from './shared/database';
import type { ProjectionWorker } from '../projections/worker';

async function main(): Promise<void> {
  const { settings, warnings } = loadSettings();
  const logger = createLogger(settings.logs.level).child({ component: 'projector' });
  for (const warning of warnings) logger.warn(warning);
  const infrastructure = await openInfrastructure(settings, logger, undefined, { attachToRunningService: true });
  const positions = projectionPositions(infrastructure);
  const worker = buildProjectionWorker(buildContainer(infrastructure, positions), infrastructure, positions);
  worker.start();
  const health = await serveHealth(worker, logger);
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

/** A liveness and progress probe for orchestrators (docker compose health checks). */
async function serveHealth(worker: ProjectionWorker, logger: ReturnType<typeof createLogger>): Promise<Server | undefined> {
  const port = process.env.PROJECTOR_HEALTH_PORT;
  if (port === undefined || port === '') return undefined;
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/health') {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: 'Not Found' }));
      return;
    }
    const states = worker.states();
    // By checkpoint row (a projection's live version, `users_v1`), as `projections status` names them.
    const checkpoints = Object.fromEntries(states.map((state) => [state.checkpoint ?? state.name, worker.positionOf(state.name)?.toString() ?? null]));
    // By projection or reaction: whether this process runs it now (active) or stands by for it.
    const roles = Object.fromEntries(states.map((state) => [state.name, state.role]));
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', checkpoints, roles }));
  });
  server.listen(Number(port), '0.0.0.0');
  await once(server, 'listening');
  logger.info({ port: Number(port) }, 'projector health at /health');
  return server;
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
