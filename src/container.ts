import { container, instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import {
  CheckpointStore,
  checkReadModelsLog,
  PgUserDirectoryReader,
  PgUserSessionsIndex,
  ProjectionPositions,
  ProjectionWorker,
  UsersReadModelFreshness,
  endSessionsOnSessionsRevokedProcessor,
  endSessionsOnUserDeactivatedProcessor,
  projectionCatalog,
} from '../projections';
import type { Settings } from './config/settings';
import {
  CryptoSessionIdGenerator,
  EndSessionsOnSessionsRevoked,
  EndSessionsOnUserDeactivated,
  JwtTokenCodec,
  SESSION_ID_GENERATOR,
  SESSION_POLICY,
  TOKEN_CODEC,
  USER_SESSIONS_INDEX,
} from './features/sessions';
import {
  ATTEMPT_THROTTLE,
  BcryptPasswordHasher,
  ID_GENERATOR,
  RateLimiterAttemptThrottle,
  postgresLimiters,
  PASSWORD_HASHER,
  READ_MODEL_FRESHNESS,
  USER_DIRECTORY_READER,
  USERNAME_RESERVATION_POLICY,
  UuidIdGenerator,
  defaultUsernameReservationPolicy,
} from './features/users';
import type { ProcessMetrics } from './metrics/process-metrics';
import { CLOCK, type Clock } from './shared/clock';
import { DATABASE, type Database } from './shared/database';
import { EVENT_STORE, type EventStore } from './shared/event-store/event-store';
import { StreamTailCache } from './shared/event-store/stream-tail-cache';
import { LOGGER, type Logger } from './shared/logger';

export interface Infrastructure {
  readonly settings: Settings;
  readonly logger: Logger;
  readonly database: Database;
  /** The reads that serve requests, under a statement timeout; the database above when absent. */
  readonly readDatabase?: Database;
  readonly eventStore: EventStore;
  readonly clock: Clock;
  /** True when this process started the embedded database itself (rather than attaching to another's). */
  readonly ownsEmbeddedDatabase?: boolean;
  /** What `GET /metrics` serves; absent when the settings turn metrics off. */
  readonly metrics?: ProcessMetrics;
}

/** The composition root: the only place that registers things. */
export function buildContainer(infrastructure: Infrastructure, positions = projectionPositions(infrastructure)): DependencyContainer {
  const { settings, logger, database, eventStore, clock } = infrastructure;
  const scope = container.createChildContainer();
  scope.register(LOGGER, { useValue: logger });
  scope.register(CLOCK, { useValue: clock });
  scope.register(DATABASE, { useValue: database });
  // The handlers read streams whole on every request; the cache asks the store only for their tails.
  scope.register(EVENT_STORE, { useValue: new StreamTailCache(eventStore) });
  scope.register(PASSWORD_HASHER, {
    useValue: new BcryptPasswordHasher({
      pepper: settings.password.pepper,
      cost: settings.password.hasherWorkFactor,
      maxConcurrent: settings.password.hasherMaxConcurrency,
      waitTimeoutMs: Math.round(settings.password.hasherWaitTimeoutS * 1000),
      maxWaiting: settings.password.hasherQueueMax,
      signUp: { maxConcurrent: settings.password.hasherSignupConcurrency, maxWaiting: settings.password.hasherSignupQueueMax },
    }),
  });
  // On first use: the counters live in the database, which a composition without one never touches.
  scope.register(ATTEMPT_THROTTLE, {
    useFactory: instanceCachingFactory(() => new RateLimiterAttemptThrottle(settings.throttle, postgresLimiters(database.knex))),
  });
  scope.register(ID_GENERATOR, { useValue: new UuidIdGenerator() });
  scope.register(SESSION_ID_GENERATOR, { useValue: new CryptoSessionIdGenerator() });
  scope.register(TOKEN_CODEC, { useValue: new JwtTokenCodec(settings.auth.jwtSecret, settings.auth.jwtAlgorithm) });
  scope.register(SESSION_POLICY, {
    useValue: {
      ttlMs: Math.round(settings.auth.sessionTtlMin * 60_000),
      refreshThreshold: settings.auth.sessionRefreshThreshold,
      maxLifetimeMs: Math.round(settings.auth.sessionMaxLifetimeH * 3_600_000),
    },
  });
  scope.register(USERNAME_RESERVATION_POLICY, { useValue: defaultUsernameReservationPolicy });
  const reads = infrastructure.readDatabase ?? database;
  scope.register(USER_DIRECTORY_READER, { useValue: new PgUserDirectoryReader(reads) });
  scope.register(READ_MODEL_FRESHNESS, {
    useValue: new UsersReadModelFreshness(positions, { maxWaitMs: settings.projections.readYourWritesWaitMs }),
  });
  scope.register(USER_SESSIONS_INDEX, { useValue: new PgUserSessionsIndex(reads, clock) });
  return scope;
}

/**
 * How far the projections have come, shared by the in-process projector (which wakes waiters at
 * once) and the read-your-writes waits; without a projector here it polls the checkpoint rows.
 */
export function projectionPositions(infrastructure: Infrastructure): ProjectionPositions {
  return new ProjectionPositions(new CheckpointStore(infrastructure.database));
}

export function buildProjectionWorker(
  scope: DependencyContainer,
  infrastructure: Infrastructure,
  positions: ProjectionPositions,
): ProjectionWorker {
  const { database, settings } = infrastructure;
  return new ProjectionWorker({
    db: database,
    eventStore: infrastructure.eventStore,
    positions,
    logger: projectorLogger(infrastructure.logger),
    projections: projectionCatalog(),
    processors: [
      endSessionsOnUserDeactivatedProcessor(scope.resolve(EndSessionsOnUserDeactivated)),
      endSessionsOnSessionsRevokedProcessor(scope.resolve(EndSessionsOnSessionsRevoked)),
    ],
    checkLog: () => checkReadModelsLog(database, infrastructure.eventStore),
    // Only one process owns an embedded data folder at a time, so after a crash the restarted
    // owner may retake its own lease at once (taking it still changes the fencing token). A
    // process attached to another's embedded database keeps a lease owner of its own.
    ...(infrastructure.ownsEmbeddedDatabase === true && settings.database.url === '' ? { owner: `embedded:${settings.database.dataDir}` } : {}),
  });
}

/** The worker's logger names its component once: the projector process's own logger names it already. */
function projectorLogger(logger: Logger): Logger {
  return logger.bindings().component === 'projector' ? logger : logger.child({ component: 'projector' });
}
