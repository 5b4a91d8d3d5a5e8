import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { CheckpointStore } from '../projections';
import type { ProjectionWorker } from '../projections/worker';
import type { Database } from './shared/database';
import type { Logger } from './shared/logger';

/** Extra GET routes a process serves beside /health on the same port (for example /metrics). */
export type HealthRoutes = Readonly<Record<string, (request: IncomingMessage, response: ServerResponse) => Promise<void> | void>>;

/**
 * The projector's health document: what this process's runners are doing (active since when,
 * or standing by and for whom, or stopped and why) and each projection's committed checkpoint,
 * read from the database so that a standby shows how far the active worker has come.
 */
export async function projectorHealth(worker: ProjectionWorker, database: Database): Promise<object> {
  const store = new CheckpointStore(database);
  const checkpoints = Object.fromEntries(
    await Promise.all(
      worker.names.map(async (name) => [name, (await store.positionOf(name).catch(() => worker.positionOf(name)))?.toString() ?? null] as const),
    ),
  );
  const runners = worker.states().map((state) => ({
    name: state.name,
    kind: state.kind,
    role: state.role,
    since: state.since.toISOString(),
    checkpoint_table: state.checkpoint ?? null,
    ...(state.holder === undefined ? {} : { holder: state.holder }),
    ...(state.reason === undefined ? {} : { reason: state.reason }),
  }));
  const roles = Object.fromEntries(runners.map((runner) => [runner.name, runner.role]));
  return { status: 'ok', checkpoints, roles, runners };
}

export async function serveProjectorHealth(
  port: number,
  worker: ProjectionWorker,
  database: Database,
  logger: Logger,
  routes: HealthRoutes = {},
): Promise<Server> {
  const all: HealthRoutes = {
    '/health': async (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(await projectorHealth(worker, database)));
    },
    ...routes,
  };
  const server = createServer((request, response) => {
    const route = request.method === 'GET' ? all[request.url ?? ''] : undefined;
    if (route === undefined) {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: 'Not Found' }));
      return;
    }
    Promise.resolve(route(request, response)).catch((error: unknown) => {
      logger.error({ err: error }, 'projector health route failed');
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'Internal Server Error', code: 'internal' }));
    });
  });
  server.listen(port, '0.0.0.0');
  await once(server, 'listening');
  logger.info({ port }, 'projector health at /health');
  return server;
}
