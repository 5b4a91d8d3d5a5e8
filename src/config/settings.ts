export type AppEnv = 'local' | 'dev' | 'test' | 'prod';
export type EventStoreKind = 'postgres' | 'eventstoredb';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Settings {
  readonly appEnv: AppEnv;
  /** `host`: the interface to listen on (127.0.0.1 unless configured; the container sets 0.0.0.0). */
  readonly server: {
    readonly port: number;
    readonly host: string;
    readonly bodyLimitBytes: number;
    readonly shutdownGraceMs: number;
    /** Proxies whose X-Forwarded-For names the client (express's `trust proxy`); empty: the socket's peer is the client. */
    readonly trustedProxies: readonly string[];
  };
  readonly database: {
    /** Empty for the embedded PostgreSQL. */
    readonly url: string;
    readonly dataDir: string;
    readonly embeddedPort: number;
    readonly poolMax: number;
    /** The longest a read that serves a request may run (PostgreSQL's statement_timeout on the read pool). */
    readonly readStatementTimeoutMs: number;
  };
  /**
   * Where the events live: `postgres` (the database above, the default) or `eventstoredb`
   * (EventStoreDB over gRPC at `connectionString`; the read tables stay in the database).
   */
  readonly eventStore: { readonly kind: EventStoreKind; readonly connectionString: string };
  readonly logs: { readonly level: LogLevel };
  readonly auth: {
    readonly jwtSecret: string;
    readonly jwtAlgorithm: 'HS256' | 'HS384' | 'HS512';
    readonly sessionTtlMin: number;
    readonly sessionRefreshThreshold: number;
    /** However often it slides, a session ends this many hours after log-in. */
    readonly sessionMaxLifetimeH: number;
  };
  readonly cookies: { readonly secure: boolean };
  /** Other sites' origins whose pages may send unsafe requests; every other cross-site one gets 403. */
  readonly csrf: { readonly allowedOrigins: readonly string[] };
  readonly password: {
    readonly pepper: string;
    readonly hasherWorkFactor: number;
    readonly hasherMaxConcurrency: number;
    readonly hasherWaitTimeoutS: number;
    /** Hashes that may wait for a slot; beyond, 503 at once. */
    readonly hasherQueueMax: number;
    /** Sign-ups hash in slots and a queue of their own, so that a flood of them leaves log-in its slots. */
    readonly hasherSignupConcurrency: number;
    readonly hasherSignupQueueMax: number;
  };
  /** Brute-force and flood limits (see README, "Throttling"). */
  readonly throttle: {
    readonly accountFreeFailures: number;
    readonly accountFirstDelayS: number;
    readonly accountMaxDelayS: number;
    readonly accountFailuresPerHour: number;
    readonly accountWritesPerHour: number;
    readonly addressFailures: number;
    readonly addressFailuresWindowS: number;
    readonly addressSignups: number;
    readonly addressSignupsWindowS: number;
  };
  /**
   * `readYourWritesWaitMs`: the longest a query waits for a read model to reach `min_position`.
   * `projectorHealthPort`: where `npm run projector` serves GET /health (and /metrics); none when unset.
   */
  readonly projections: { readonly runInProcess: boolean; readonly readYourWritesWaitMs: number; readonly projectorHealthPort?: number | undefined };
  /** `enabled`: serve `GET /metrics` (Prometheus text) on the API and the projector's health port. */
  readonly metrics: { readonly enabled: boolean };
  readonly bootstrap: { readonly superAdminUsername: string; readonly superAdminPassword: string };
}
