/**
 * The messages are worded from this schema (settings-problems.ts). Two standard annotations,
 * which ajv's strict mode accepts, carry what the rules cannot: `description` words the allowed
 * values where a rule does not read well (an `anyOf` of patterns), and `writeOnly` marks a
 * secret, whose value no message ever repeats.
 */
const port = { type: 'integer', minimum: 0, maximum: 65535 };
const secret = { type: 'string', minLength: 32, writeOnly: true };
const count = { type: 'integer', minimum: 1, maximum: 1000000 };
const seconds = { type: 'number', exclusiveMinimum: 0, maximum: 604800 };

export const settingsSchema = {
  type: 'object',
  required: ['server', 'database', 'logs', 'security', 'projections'],
  properties: {
    server: {
      type: 'object',
      additionalProperties: false,
      required: ['port', 'body_limit_bytes', 'shutdown_grace_ms'],
      properties: {
        port,
        host: { type: 'string', minLength: 1, pattern: '^[^\\s/]+$', description: 'an IP address or host name to listen on, e.g. 127.0.0.1 or 0.0.0.0' },
        body_limit_bytes: { type: 'integer', minimum: 1024, maximum: 104857600 },
        shutdown_grace_ms: { type: 'integer', minimum: 0, maximum: 600000 },
        trusted_proxies: { type: 'string', description: 'a comma-separated list of proxy addresses or CIDR ranges (or loopback, linklocal, uniquelocal), or empty' },
      },
    },
    database: {
      type: 'object',
      additionalProperties: false,
      required: ['url', 'data_dir', 'embedded_port', 'pool_max'],
      properties: {
        url: {
          type: 'string',
          anyOf: [{ maxLength: 0 }, { pattern: '^postgres(ql)?://' }],
          description: 'a postgres:// or postgresql:// URL, or empty for the embedded database',
        },
        data_dir: { type: 'string', minLength: 1 },
        embedded_port: port,
        pool_max: { type: 'integer', minimum: 1, maximum: 500 },
        read_statement_timeout_ms: { type: 'integer', minimum: 1, maximum: 3600000 },
      },
    },
    event_store: {
      type: 'object',
      additionalProperties: false,
      properties: {
        kind: { enum: ['postgres', 'eventstoredb'] },
        connection_string: {
          type: 'string',
          anyOf: [{ maxLength: 0 }, { pattern: '^(esdb|esdb\\+discover|kurrentdb|kurrentdb\\+discover)://' }],
          description: 'an esdb://, esdb+discover://, kurrentdb:// or kurrentdb+discover:// connection string',
        },
      },
    },
    logs: {
      type: 'object',
      additionalProperties: false,
      required: ['level'],
      properties: { level: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] } },
    },
    security: {
      type: 'object',
      additionalProperties: false,
      required: ['auth', 'cookies', 'password'],
      properties: {
        csrf: {
          type: 'object',
          additionalProperties: false,
          properties: {
            allowed_origins: {
              type: 'array',
              items: {
                type: 'string',
                pattern: '^https?://[^/\\s]+$',
                description: 'an origin: scheme, host and port, no path (https://app.example.com)',
              },
            },
          },
        },
        auth: {
          type: 'object',
          additionalProperties: false,
          required: ['jwt_secret', 'jwt_algorithm', 'session_ttl_min', 'session_refresh_threshold'],
          properties: {
            jwt_secret: secret,
            jwt_algorithm: { enum: ['HS256', 'HS384', 'HS512'] },
            // The original demands at least 1 minute; fractions are allowed so tests can watch expiry.
            session_ttl_min: { type: 'number', exclusiveMinimum: 0, maximum: 525600 },
            session_refresh_threshold: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
            // The absolute cap: however often it is renewed, a session ends this long after log-in.
            session_max_lifetime_h: { type: 'number', exclusiveMinimum: 0, maximum: 8760 },
          },
        },
        cookies: {
          type: 'object',
          additionalProperties: false,
          required: ['secure'],
          properties: { secure: { type: 'boolean' } },
        },
        password: {
          type: 'object',
          additionalProperties: false,
          required: ['pepper', 'hasher_work_factor', 'hasher_max_concurrency', 'hasher_wait_timeout_s'],
          properties: {
            pepper: secret,
            hasher_work_factor: { type: 'integer', minimum: 10, maximum: 31 },
            hasher_max_concurrency: { type: 'integer', minimum: 1, maximum: 256 },
            hasher_wait_timeout_s: { type: 'number', exclusiveMinimum: 0, maximum: 600 },
            hasher_queue_max: { type: 'integer', minimum: 0, maximum: 100000 },
            hasher_signup_concurrency: { type: 'integer', minimum: 1, maximum: 256 },
            hasher_signup_queue_max: { type: 'integer', minimum: 0, maximum: 100000 },
          },
        },
        throttle: {
          type: 'object',
          additionalProperties: false,
          properties: {
            account_free_failures: count,
            account_first_delay_s: seconds,
            account_max_delay_s: seconds,
            account_failures_per_hour: count,
            account_writes_per_hour: count,
            address_failures: count,
            address_failures_window_s: seconds,
            address_signups: count,
            address_signups_window_s: seconds,
          },
        },
      },
    },
    projections: {
      type: 'object',
      additionalProperties: false,
      required: ['run_in_process'],
      properties: { run_in_process: { type: 'boolean' }, read_your_writes_wait_ms: { type: 'integer', minimum: 0 }, projector_health_port: port },
    },
    metrics: {
      type: 'object',
      additionalProperties: false,
      properties: { enabled: { type: 'boolean' } },
    },
    bootstrap: {
      type: 'object',
      additionalProperties: false,
      properties: {
        super_admin_username: { type: 'string' },
        super_admin_password: { type: 'string', writeOnly: true },
      },
    },
  },
} as const;
