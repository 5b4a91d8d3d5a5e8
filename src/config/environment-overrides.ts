/** A parsed value is validated with the files' values, so `PORT=abc` fails naming `server.port`. */
type Parse = (raw: string) => unknown;

const text: Parse = (raw) => raw;
const number: Parse = (raw) => (raw.trim() === '' || Number.isNaN(Number(raw)) ? raw : Number(raw));
/** A number, or nothing at all when the variable is set but empty (the key stays unset). */
const optionalNumber: Parse = (raw) => (raw.trim() === '' ? undefined : number(raw));
/** Comma-separated; empty items (and an empty variable) are nothing. */
const list: Parse = (raw) => raw.split(',').map((item) => item.trim()).filter((item) => item !== '');
const boolean: Parse = (raw) => {
  const lowered = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(lowered)) return true;
  if (['0', 'false', 'no', 'off'].includes(lowered)) return false;
  return raw;
};

export const ENVIRONMENT_OVERRIDES: ReadonlyArray<readonly [variable: string, path: readonly string[], parse: Parse]> = [
  ['PORT', ['server', 'port'], number],
  ['HOST', ['server', 'host'], text],
  ['BODY_LIMIT_BYTES', ['server', 'body_limit_bytes'], number],
  ['SHUTDOWN_GRACE_MS', ['server', 'shutdown_grace_ms'], number],
  ['TRUSTED_PROXIES', ['server', 'trusted_proxies'], text],
  ['DATABASE_URL', ['database', 'url'], text],
  ['DATA_DIR', ['database', 'data_dir'], text],
  ['EMBEDDED_DB_PORT', ['database', 'embedded_port'], number],
  ['DATABASE_POOL_MAX', ['database', 'pool_max'], number],
  ['READ_STATEMENT_TIMEOUT_MS', ['database', 'read_statement_timeout_ms'], number],
  ['EVENT_STORE', ['event_store', 'kind'], text],
  ['EVENTSTORE_CONNECTION_STRING', ['event_store', 'connection_string'], text],
  ['LOG_LEVEL', ['logs', 'level'], text],
  ['JWT_SECRET', ['security', 'auth', 'jwt_secret'], text],
  ['JWT_ALGORITHM', ['security', 'auth', 'jwt_algorithm'], text],
  ['SESSION_TTL_MIN', ['security', 'auth', 'session_ttl_min'], number],
  ['SESSION_REFRESH_THRESHOLD', ['security', 'auth', 'session_refresh_threshold'], number],
  ['SESSION_MAX_LIFETIME_H', ['security', 'auth', 'session_max_lifetime_h'], number],
  ['COOKIES_SECURE', ['security', 'cookies', 'secure'], boolean],
  ['ALLOWED_ORIGINS', ['security', 'csrf', 'allowed_origins'], list],
  ['PASSWORD_PEPPER', ['security', 'password', 'pepper'], text],
  ['HASHER_WORK_FACTOR', ['security', 'password', 'hasher_work_factor'], number],
  ['HASHER_MAX_CONCURRENCY', ['security', 'password', 'hasher_max_concurrency'], number],
  ['HASHER_WAIT_TIMEOUT_S', ['security', 'password', 'hasher_wait_timeout_s'], number],
  ['HASHER_QUEUE_MAX', ['security', 'password', 'hasher_queue_max'], number],
  ['HASHER_SIGNUP_CONCURRENCY', ['security', 'password', 'hasher_signup_concurrency'], number],
  ['HASHER_SIGNUP_QUEUE_MAX', ['security', 'password', 'hasher_signup_queue_max'], number],
  ['THROTTLE_ACCOUNT_FREE_FAILURES', ['security', 'throttle', 'account_free_failures'], number],
  ['THROTTLE_ACCOUNT_FIRST_DELAY_S', ['security', 'throttle', 'account_first_delay_s'], number],
  ['THROTTLE_ACCOUNT_MAX_DELAY_S', ['security', 'throttle', 'account_max_delay_s'], number],
  ['THROTTLE_ACCOUNT_FAILURES_PER_HOUR', ['security', 'throttle', 'account_failures_per_hour'], number],
  ['THROTTLE_ACCOUNT_WRITES_PER_HOUR', ['security', 'throttle', 'account_writes_per_hour'], number],
  ['THROTTLE_ADDRESS_FAILURES', ['security', 'throttle', 'address_failures'], number],
  ['THROTTLE_ADDRESS_FAILURES_WINDOW_S', ['security', 'throttle', 'address_failures_window_s'], number],
  ['THROTTLE_ADDRESS_SIGNUPS', ['security', 'throttle', 'address_signups'], number],
  ['THROTTLE_ADDRESS_SIGNUPS_WINDOW_S', ['security', 'throttle', 'address_signups_window_s'], number],
  ['PROJECTIONS_IN_PROCESS', ['projections', 'run_in_process'], boolean],
  ['READ_YOUR_WRITES_WAIT_MS', ['projections', 'read_your_writes_wait_ms'], number],
  ['PROJECTOR_HEALTH_PORT', ['projections', 'projector_health_port'], optionalNumber],
  ['METRICS_ENABLED', ['metrics', 'enabled'], boolean],
  ['BOOTSTRAP_SUPER_ADMIN_USERNAME', ['bootstrap', 'super_admin_username'], text],
  ['BOOTSTRAP_SUPER_ADMIN_PASSWORD', ['bootstrap', 'super_admin_password'], text],
];
