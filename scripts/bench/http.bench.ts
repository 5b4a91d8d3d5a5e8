import type { Database } from '../../src/shared/database';
import type { EventStore } from '../../src/shared/event-store/event-store';
import type { Logger } from '../../src/shared/logger';
import { measure, type Measurement } from './measure';
import { startLoggedInService } from './bench-service';
import { remoteLoad } from './remote-load';

/**
 * Requests through the real HTTP server: an authenticated list (session and user streams re-read),
 * from an in-process client and from a client process, and sign-ups.
 */
export async function benchHttp(db: Database, store: EventStore, label: string, logger: Logger): Promise<Measurement[]> {
  const { service, cookie } = await startLoggedInService(db, store, logger);
  try {
    const list = await measure('HTTP GET /api/v1/users/ (authenticated), 16 concurrent', label, 2_000, 16, async () => {
      const response = await fetch(`${service.url}/api/v1/users/?limit=20`, { headers: { cookie } });
      if (response.status !== 200) throw new Error(`list answered ${response.status}`);
      await response.arrayBuffer();
    });
    // The same request from a client in another process: the service's event loop serves only.
    const remote = await remoteLoad('HTTP GET /api/v1/users/ (authenticated), 16 concurrent, client process', label, {
      url: `${service.url}/api/v1/users/?limit=20`,
      cookie,
      ops: 2_000,
      concurrency: 16,
    });
    const signUp = await measure('HTTP POST signup (bcrypt cost 10), 8 concurrent', label, 200, 8, async (i) => {
      const response = await fetch(`${service.url}/api/v1/account/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: `bench${Date.now().toString(36)}${i}`, password: 'secret1' }),
      });
      if (response.status !== 201) throw new Error(`signup answered ${response.status}`);
      await response.arrayBuffer();
    });
    return [list, remote, signUp];
  } finally {
    await service.stop();
  }
}
