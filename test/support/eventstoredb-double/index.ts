/**
 * An in-process EventStoreDB stand-in for tests: a gRPC server registering the Node client's own Streams service
 * definitions over an in-memory log (docs: shared/design/eventstoredb-semantics.md, rules 1–24). The log lives in the
 * context, not in the server, so stop()/start() behave like a crash and a restart of a server with durable storage.
 * With `users`, the double is a secure node: TLS with the test CA (`TEST_CA_FILE`), basic credentials checked on every
 * call and stream ACLs (`security.ts`). At start it writes what a fresh node writes (`fresh-node-events.ts`).
 * Not served: ServerFeatures, BatchAppend, Gossip, the users and projections APIs, persistent subscriptions.
 */
import { EventLog } from './event-log';
import type { DoubleContext } from './double-context';
import { writeFreshNodeEvents } from './fresh-node-events';
import { GrpcServerIncarnation, TEST_CA_FILE } from './grpc-server';
import { OpenCalls } from './open-calls';
import { subscriptionDropped } from './rpc-errors';
import type { DoubleUser } from './security';
import { NodeSecurity } from './security';

export type { DoubleUser } from './security';
export { TEST_CA_FILE } from './grpc-server';

export interface EventStoreDbDoubleOptions {
  port?: number;                 // 0 (default) = ephemeral
  host?: string;                 // default 127.0.0.1
  maxAppendSizeBytes?: number;   // default 1_048_576 (rule 12)
  idCacheMaxEntries?: number;    // the recent-committed-event-id cache bound (rule 11)
  checkpointIntervalEvents?: number; // filtered subscription checkpoint every N scanned events × the client's multiplier (rule 20)
  /** A secure node with these users (`admin` is the administrator); absent = an insecure node. */
  users?: readonly DoubleUser[];
}

export interface EventStoreDbDouble {
  readonly port: number;
  /** Insecure: `esdb://host:port?tls=false`. Secure: TLS with the test CA, as the first user. */
  readonly connectionString: string;
  /** The secure double's connection string with these credentials, or none (an anonymous client). */
  connectionStringAs(credentials: DoubleUser | undefined): string;
  /** Kills the server as a crash would: every open call (subscriptions included) fails UNAVAILABLE, the port is released. The log is KEPT in memory. */
  stop(): Promise<void>;
  /** Serves the same log again on the same port after stop(). */
  start(): Promise<void>;
  /** Ends every open subscription call server-side with an error (rule 22) without stopping the server. */
  dropSubscriptions(): void;
  /** A secure double's password reset, as an operator's: the user's calls with the old password fail from then on. */
  changePassword(username: string, password: string): void;
  /** Number of events in the log ($all), system events included — for tests. */
  readonly eventCount: number;
  close(): Promise<void>;
}

const DEFAULTS = { host: '127.0.0.1', maxAppendSizeBytes: 1_048_576, idCacheMaxEntries: 100_000, checkpointIntervalEvents: 32 };

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

class Double implements EventStoreDbDouble {
  private incarnation: GrpcServerIncarnation | undefined;
  private closed = false;

  constructor(
    private readonly context: DoubleContext,
    private readonly host: string,
    private boundPort: number,
    private readonly users: readonly DoubleUser[] | undefined,
  ) {}

  get port(): number {
    return this.boundPort;
  }

  get connectionString(): string {
    return this.users === undefined ? `esdb://${this.reachableHost}:${this.boundPort}?tls=false` : this.connectionStringAs(this.users[0]);
  }

  connectionStringAs(credentials: DoubleUser | undefined): string {
    if (this.users === undefined) throw new Error('An insecure double takes no credentials.');
    const userInfo = credentials === undefined ? '' : `${encodeURIComponent(credentials.username)}:${encodeURIComponent(credentials.password)}@`;
    // TLS names the server by host name (an IP address as the TLS server name is deprecated); the certificate has both.
    const host = this.reachableHost === '127.0.0.1' ? 'localhost' : this.reachableHost;
    return `esdb://${userInfo}${host}:${this.boundPort}?tls=true&tlsCAFile=${encodeURIComponent(TEST_CA_FILE)}`;
  }

  // A wildcard bind is reached through loopback.
  private get reachableHost(): string {
    return this.host === '0.0.0.0' || this.host === '::' ? '127.0.0.1' : this.host;
  }

  get eventCount(): number {
    return this.context.log.size;
  }

  async start(): Promise<void> {
    if (this.closed) throw new Error('The EventStoreDB double is closed.');
    if (this.incarnation) return;
    this.incarnation = await GrpcServerIncarnation.listen(this.context, this.host, this.boundPort);
    this.boundPort = this.incarnation.port;
  }

  async stop(): Promise<void> {
    const incarnation = this.incarnation;
    this.incarnation = undefined;
    await incarnation?.kill();
  }

  dropSubscriptions(): void {
    this.context.openCalls.failSubscriptions(subscriptionDropped);
  }

  changePassword(username: string, password: string): void {
    if (!this.context.security) throw new Error('An insecure double has no users.');
    this.context.security.changePassword(username, password);
  }

  async close(): Promise<void> {
    await this.stop();
    this.closed = true;
  }
}

export async function startEventStoreDbDouble(options: EventStoreDbDoubleOptions = {}): Promise<EventStoreDbDouble> {
  const settings = {
    maxAppendSizeBytes: positiveInteger('maxAppendSizeBytes', options.maxAppendSizeBytes ?? DEFAULTS.maxAppendSizeBytes),
    checkpointIntervalEvents: positiveInteger('checkpointIntervalEvents', options.checkpointIntervalEvents ?? DEFAULTS.checkpointIntervalEvents),
  };
  if (options.users !== undefined && options.users.length === 0) throw new RangeError('A secure double needs at least one user.');
  const log = new EventLog(options.idCacheMaxEntries ?? DEFAULTS.idCacheMaxEntries);
  writeFreshNodeEvents(log, options.users);
  const security = options.users === undefined ? undefined : new NodeSecurity(options.users);
  const context: DoubleContext = { log, settings, openCalls: new OpenCalls(), security };
  const double = new Double(context, options.host ?? DEFAULTS.host, options.port ?? 0, options.users);
  await double.start();
  return double;
}
