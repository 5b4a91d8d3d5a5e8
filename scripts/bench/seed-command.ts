import { loadSettings } from '../../src/config/load-settings';
import { buildContainer, buildProjectionWorker, projectionPositions } from '../../src/container';
import { createLogger } from '../../src/create-logger';
import { BcryptPasswordHasher } from '../../src/features/users';
import { openInfrastructure } from '../../src/service';
import { USERS } from '../../projections/users/users.table';
import { Progress } from './progress';
import { SEED_PASSWORD, seedUsers } from './seed';

/**
 * `npm run bench -- seed --users N`: N users into the configured stores (DATABASE_URL or the
 * embedded database, EVENT_STORE), through the event-store port, then folded by the service's
 * own projector (or by whichever process holds its lease, such as a running `npm start`).
 * Every seeded user's password is SEED_PASSWORD.
 */
export async function seedCommand(users: number): Promise<void> {
  const progress = new Progress();
  const { settings } = loadSettings();
  const logger = createLogger('warn');
  const infrastructure = await openInfrastructure(settings, logger, undefined, { attachToRunningService: true });
  const controller = new AbortController();
  const onSigint = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  const positions = projectionPositions(infrastructure);
  const worker = buildProjectionWorker(buildContainer(infrastructure, positions), infrastructure, positions);
  try {
    const hasher = new BcryptPasswordHasher({ pepper: settings.password.pepper, cost: settings.password.hasherWorkFactor, maxConcurrent: 1, waitTimeoutMs: 60_000 });
    const passwordHash = await hasher.hash(SEED_PASSWORD);
    const target = settings.eventStore.kind === 'postgres' ? { kind: 'postgres' as const, db: infrastructure.database } : { kind: 'port' as const, store: infrastructure.eventStore };
    progress.line(`seeding ${users.toLocaleString('en')} users into ${infrastructure.database.location} (${settings.eventStore.kind} event store)`);
    const seed = await seedUsers(target, { users, passwordHash, signal: controller.signal, onProgress: progress.eta('seeding', 'users') });
    progress.line(`seeded in ${seed.seconds.toFixed(1)} s; folding`);
    worker.start();
    const folding = process.hrtime.bigint();
    if (seed.lastPosition !== undefined) {
      while (!(await worker.waitUntilPassed(USERS, seed.lastPosition, 5_000))) {
        controller.signal.throwIfAborted();
        progress.line(`  still folding (${(Number(process.hrtime.bigint() - folding) / 1e9).toFixed(0)} s)`);
      }
    }
    progress.line(`folded in ${(Number(process.hrtime.bigint() - folding) / 1e9).toFixed(1)} s`);
    process.stdout.write(`seeded ${seed.users.toLocaleString('en')} users (password '${SEED_PASSWORD}'), e.g. ${seed.sample.slice(0, 3).map((u) => u.username).join(', ')}\n`);
  } finally {
    process.off('SIGINT', onSigint);
    await worker.stop();
    await infrastructure.eventStore.close();
    await infrastructure.database.close();
  }
}
