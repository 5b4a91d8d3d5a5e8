import { Client, type ClientConfig } from 'pg';
import type { Database } from '../src/shared/database/database';
import type { Presence } from './checkpoint-store';

/**
 * One database session held open for the worker's life. Leases name it; when the process dies,
 * PostgreSQL ends the session and a standby sees the lease as free at once, instead of waiting
 * out its time. It also listens for the operator tools' announcements. The fencing token still guards every commit, so a session lost while the process
 * lives costs a handover, never a double write.
 */
/** The channel on which operator tools announce a change to a projection (a switch, a pause, a reset). */
export const PROJECTIONS_CHANNEL = 'userledger_projections';

export class WorkerPresence {
  private readonly listeners = new Set<(name: string) => void>();
  private client: Client | undefined;
  private current: Presence | undefined;
  private connecting: Promise<Presence | undefined> | undefined;
  private closed = false;

  constructor(private readonly db: Database) {}

  /** The session's identity, connecting (again) when needed; undefined while the database is unreachable. */
  async presence(): Promise<Presence | undefined> {
    if (this.current !== undefined || this.closed) return this.current;
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  /**
   * Calls `listener` with the projection or checkpoint named in each change announced on
   * PROJECTIONS_CHANNEL, so that a worker acts on a switch or a pause at once, not at its next renewal.
   */
  onChange(listener: (name: string) => void): void {
    this.listeners.add(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    this.current = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<Presence | undefined> {
    const settings = (this.db.knex.client as { connectionSettings: ClientConfig }).connectionSettings;
    // knex keeps the password as a property that a spread does not copy.
    const client = new Client({ ...settings, password: settings.password, application_name: 'userledger-worker' });
    client.on('error', () => undefined);
    client.on('notification', (message) => {
      if (message.payload !== undefined) for (const listener of this.listeners) listener(message.payload);
    });
    client.on('end', () => {
      if (this.client === client) {
        this.client = undefined;
        this.current = undefined;
      }
    });
    try {
      await client.connect();
      const { rows } = await client.query<{ pid: number; start: string }>(
        'SELECT pid, backend_start::text AS start FROM pg_stat_activity WHERE pid = pg_backend_pid()',
      );
      await client.query(`LISTEN ${PROJECTIONS_CHANNEL}`);
      const row = rows[0];
      if (row === undefined || this.closed) {
        await client.end();
        return undefined;
      }
      this.client = client;
      this.current = { pid: row.pid, start: row.start };
      return this.current;
    } catch {
      await client.end().catch(() => undefined);
      return undefined;
    }
  }
}
