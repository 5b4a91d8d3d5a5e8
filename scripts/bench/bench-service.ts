import { loadSettings } from '../../src/config/load-settings';
import { startServiceOn, type RunningService } from '../../src/service';
import type { Database } from '../../src/shared/database';
import type { EventStore } from '../../src/shared/event-store/event-store';
import type { Logger } from '../../src/shared/logger';

const ROOT = { username: 'bench.root', password: 'bench-password' };

/** The real service on a bench database, with a super admin logged in: its cookie authenticates the load. */
export async function startLoggedInService(
  db: Database,
  store: EventStore,
  logger: Logger,
): Promise<{ service: RunningService; cookie: string }> {
  const { settings } = loadSettings({
    APP_ENV: 'local',
    PORT: '0',
    HASHER_WORK_FACTOR: '10',
    // The benchmarks sign up hundreds of users from one address: they measure hashing, not the throttle.
    THROTTLE_ADDRESS_SIGNUPS: '1000000',
    THROTTLE_ACCOUNT_WRITES_PER_HOUR: '1000000',
    BOOTSTRAP_SUPER_ADMIN_USERNAME: ROOT.username,
    BOOTSTRAP_SUPER_ADMIN_PASSWORD: ROOT.password,
  });
  const service = await startServiceOn({ settings, logger, database: db, eventStore: store }, { host: '127.0.0.1' });
  const login = await fetch(`${service.url}/api/v1/account/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ROOT),
  });
  if (login.status !== 204) {
    await service.stop();
    throw new Error(`bench log-in answered ${login.status}`);
  }
  return { service, cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '' };
}
