import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DependencyContainer } from 'tsyringe';
import { readProjectionStatus } from '../projections/operations/projection-status';
import type { ProjectionWorker } from '../projections/worker';
import type { Settings } from './config/settings';
import { buildContainer, buildProjectionWorker, projectionPositions, type Infrastructure } from './container';
import { ResolveSessionHandler, sessionAuthenticator, sessionsRoutes } from './features/sessions';
import { BootstrapSuperAdminHandler, usersRoutes } from './features/users';
import { createApp } from './http/app';
import { answerClientErrorsWithJson } from './http/client-error';
import type { Resolve } from './http/route-definition';
import { readinessProblems } from './readiness';
import { systemClock, type Clock } from './shared/clock';
import { openReadPool, type Database } from './shared/database';
import { openInfrastructure } from './infrastructure';
import type { Logger } from './shared/logger';

export { dataDirOf, eventStoreFor, openConfiguredDatabase } from './configured-stores';
export { openInfrastructure } from './infrastructure';

export interface RunningService {
  readonly url: string;
  readonly database: Database;
  readonly worker: ProjectionWorker | undefined;
  readonly container: DependencyContainer;
  /** Stops accepting connections, drains in-flight requests, stops the projector, closes the stores. */
  stop(): Promise<void>;
}

export interface ServiceOptions {
  readonly clock?: Clock;
  /** Interface to listen on; defaults to the `HOST` setting (server.host). */
  readonly host?: string;
}

export async function startService(settings: Settings, logger: Logger, options: ServiceOptions = {}): Promise<RunningService> {
  const infrastructure = await openInfrastructure(settings, logger, options.clock);
  const { database, eventStore } = infrastructure;
  const readDatabase = openReadPool(database, {
    statementTimeoutMs: settings.database.readStatementTimeoutMs,
    poolMax: Math.max(2, Math.ceil(settings.database.poolMax / 2)),
  });
  const release = async (): Promise<void> => {
    await eventStore.close();
    await readDatabase.close();
    await database.close();
  };
  try {
    return await startServiceOn({ ...infrastructure, readDatabase }, options, release);
  } catch (error) {
    await release();
    throw error;
  }
}

/**
 * Starts the service on infrastructure the caller opened (tests, benchmarks). `stop()` closes
 * the server and the projector, then runs `release` (nothing by default: the caller owns it).
 */
export async function startServiceOn(
  given: Omit<Infrastructure, 'clock'> & { readonly clock?: Clock },
  options: ServiceOptions = {},
  release: () => Promise<void> = async () => {},
): Promise<RunningService> {
  const infrastructure: Infrastructure = { ...given, clock: options.clock ?? given.clock ?? systemClock };
  const { settings, logger, database } = infrastructure;
  const positions = projectionPositions(infrastructure);
  const scope = buildContainer(infrastructure, positions);
  await bootstrapSuperAdmin(scope, settings, logger, infrastructure.clock);

  const worker = settings.projections.runInProcess ? buildProjectionWorker(scope, infrastructure, positions) : undefined;
  worker?.start();

  const resolve: Resolve = (token) => scope.resolve(token);
  const app = createApp({
    routes: [...usersRoutes(resolve), ...sessionsRoutes(resolve)],
    authenticate: sessionAuthenticator(scope.resolve(ResolveSessionHandler)),
    logger,
    clock: infrastructure.clock,
    cookies: { secure: settings.cookies.secure },
    allowedOrigins: settings.csrf.allowedOrigins,
    bodyLimitBytes: settings.server.bodyLimitBytes,
    trustedProxies: settings.server.trustedProxies,
    ...(infrastructure.metrics ? { metrics: infrastructure.metrics } : {}),
    ready: () => readinessProblems(database, infrastructure.eventStore, logger),
    projectionStatus: () => readProjectionStatus(database, infrastructure.eventStore),
  });

  const server = app.listen(settings.server.port, options.host ?? settings.server.host);
  answerClientErrorsWithJson(server);
  try {
    await once(server, 'listening');
  } catch (error) {
    await worker?.stop();
    throw error;
  }
  const bound = server.address() as AddressInfo;
  const url = reachableUrl(bound);
  const listening = `http://${hostInUrl(bound.address)}:${bound.port}`;
  logger.info(
    { address: bound.address, port: bound.port, appEnv: settings.appEnv },
    `userledger listening on ${listening}${listening === url ? '' : ` (every interface; locally ${url})`} (Swagger UI at ${url}/docs)`,
  );

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await closeServer(server, settings.server.shutdownGraceMs);
      if (worker !== undefined) await withTimeout(worker.stop(), settings.server.shutdownGraceMs, logger);
      await release();
      logger.info('userledger stopped');
    })();
    return stopping;
  };
  return { url, database, worker, container: scope, stop };
}

/** The address bound, as a URL's host: IPv6 in brackets. */
function hostInUrl(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** Where a client on this machine reaches the server: the loopback when it listens on every interface. */
function reachableUrl({ address, port }: AddressInfo): string {
  if (address === '0.0.0.0') return `http://127.0.0.1:${port}`;
  if (address === '::') return `http://[::1]:${port}`;
  return `http://${hostInUrl(address)}:${port}`;
}

async function closeServer(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  await closed;
  clearTimeout(timer);
}

/** A projector batch that hangs must not hold up shutdown for ever. */
async function withTimeout(work: Promise<void>, ms: number, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      logger.warn({ ms }, 'projector did not stop in time; closing anyway');
      resolve();
    }, ms);
  });
  await Promise.race([work, timedOut]);
  clearTimeout(timer);
}

async function bootstrapSuperAdmin(scope: DependencyContainer, settings: Settings, logger: Logger, clock: Clock): Promise<void> {
  const { superAdminUsername: username, superAdminPassword: password } = settings.bootstrap;
  if (username === '' && password === '') return;
  if (username === '' || password === '') {
    throw new Error('Set both BOOTSTRAP_SUPER_ADMIN_USERNAME and BOOTSTRAP_SUPER_ADMIN_PASSWORD, or neither.');
  }
  const correlationId = `bootstrap-${clock.now().getTime()}`;
  const result = await scope.resolve(BootstrapSuperAdminHandler).execute(
    { username, password },
    { actorId: 'system:bootstrap', correlationId, causationId: correlationId, now: clock.now() },
  );
  // A username held by a user of another role has thrown NotASuperAdminError: start-up fails on that one line.
  logger.info({ userId: result.id, created: result.created, username }, result.created ? 'super admin created' : 'super admin exists');
}
