import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import Ajv from 'ajv';
import { parse as parseToml } from 'smol-toml';
import { PROJECT_ROOT } from '../shared/project-root';
import { ENVIRONMENT_OVERRIDES } from './environment-overrides';
import { howToSet, keyHead, SECRET_KEYS, schemaProblems, valueAt, weakSecretReason, type Origins, type Source } from './settings-problems';
import { settingsSchema } from './settings-schema';
import type { AppEnv, EventStoreKind, LogLevel, Settings } from './settings';

/** The query's own bound (ListUsersHandler); the setting can only shorten it. */
const DEFAULT_READ_YOUR_WRITES_WAIT_MS = 2_000;

/** Defaults of the keys a configuration file may leave out (README, "Configuration"). */
const DEFAULTS = {
  readStatementTimeoutMs: 5_000,
  hasherQueueMax: 64,
  hasherSignupConcurrency: 2,
  hasherSignupQueueMax: 16,
  throttle: {
    account_free_failures: 5,
    account_first_delay_s: 1,
    account_max_delay_s: 900,
    account_failures_per_hour: 100,
    account_writes_per_hour: 20,
    address_failures: 50,
    address_failures_window_s: 600,
    address_signups: 30,
    address_signups_window_s: 60,
  },
} as const;

/** Local development listens on the loopback only; the container says 0.0.0.0. */
const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_SESSION_MAX_LIFETIME_H = 12;

/** The secrets keys are made from, which `prod` wants random (shorter ones the schema refuses in every environment). */
const KEY_SECRETS: readonly string[] = ['security.auth.jwt_secret', 'security.password.pepper'];

const APP_ENVS: readonly AppEnv[] = ['local', 'dev', 'test', 'prod'];
const DEFAULT_CONFIG_DIR = path.join(PROJECT_ROOT, 'config');

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface LoadedSettings {
  readonly settings: Settings;
  /** Things worth logging once the logger exists, such as a missing secrets file. */
  readonly warnings: readonly string[];
}

type Tree = Record<string, unknown>;

const validate = new Ajv({ allErrors: true, strict: true }).compile(settingsSchema);

export function loadSettings(
  env: NodeJS.ProcessEnv = process.env,
  configDir: string = env.CONFIG_DIR ?? DEFAULT_CONFIG_DIR,
): LoadedSettings {
  const appEnv = (env.APP_ENV ?? 'local') as AppEnv;
  if (!APP_ENVS.includes(appEnv)) {
    throw new ConfigError(`APP_ENV must be one of ${APP_ENVS.join(', ')}; got '${appEnv}'.`);
  }
  const warnings: string[] = [];
  const envDir = path.join(configDir, appEnv);
  const configFile = path.join(envDir, 'config.toml');
  const secretsFile = path.join(envDir, '.secrets.toml');
  const sources = new Map<string, Source>();
  const raw = readToml(configFile, true);
  recordSources(sources, raw, { file: shownPath(configFile) });
  if (existsSync(secretsFile)) {
    const secrets = readToml(secretsFile, true);
    recordSources(sources, secrets, { file: shownPath(secretsFile) });
    deepMerge(raw, secrets);
  } else warnings.push(`No secrets file at ${secretsFile}; secrets must come from the environment.`);

  for (const [variable, keyPath, parse] of ENVIRONMENT_OVERRIDES) {
    const value = env[variable];
    if (value === undefined) continue;
    const parsed = parse(value);
    if (parsed === undefined) continue;
    setPath(raw, keyPath, parsed);
    sources.set(keyPath.join('.'), { variable });
  }

  const origins: Origins = { sources, configFile: shownPath(configFile), secretsFile: shownPath(secretsFile) };
  const problems = [
    ...(validate(raw) ? [] : schemaProblems(validate.errors ?? [], raw, origins)),
    ...crossKeyProblems(raw, origins),
    ...(appEnv === 'prod' ? productionProblems(raw, origins, configDir) : []),
  ];
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration (APP_ENV=${appEnv}):\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }

  const settings = toSettings(appEnv, raw);
  return { settings, warnings };
}

function readToml(file: string, required: boolean): Tree {
  if (!existsSync(file)) {
    if (required) throw new ConfigError(`Missing configuration file ${file}.`);
    return {};
  }
  try {
    return parseToml(readFileSync(file, 'utf8')) as Tree;
  } catch (error) {
    throw new ConfigError(`Cannot parse ${file}: ${(error as Error).message}`);
  }
}

/** A file inside the repository by its path from there (config/local/config.toml), any other in full. */
function shownPath(file: string): string {
  const relative = path.relative(PROJECT_ROOT, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

function recordSources(sources: Map<string, Source>, tree: Tree, source: Source, prefix = ''): void {
  for (const [key, value] of Object.entries(tree)) {
    if (isTree(value) && !(value instanceof Date)) recordSources(sources, value, source, `${prefix}${key}.`);
    else sources.set(`${prefix}${key}`, source);
  }
}

function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepMerge(target: Tree, source: Tree): void {
  for (const [key, value] of Object.entries(source)) {
    const current = target[key];
    if (isTree(current) && isTree(value)) deepMerge(current, value);
    else target[key] = value;
  }
}

function setPath(tree: Tree, keyPath: readonly string[], value: unknown): void {
  let node = tree;
  keyPath.slice(0, -1).forEach((key) => {
    if (!isTree(node[key])) node[key] = {};
    node = node[key] as Tree;
  });
  node[keyPath[keyPath.length - 1] as string] = value;
}

function toSettings(appEnv: AppEnv, raw: Tree): Settings {
  const section = (tree: Tree, key: string): Tree => (tree[key] ?? {}) as Tree;
  const server = section(raw, 'server');
  const database = section(raw, 'database');
  const security = section(raw, 'security');
  const auth = section(security, 'auth');
  const password = section(security, 'password');
  const bootstrap = section(raw, 'bootstrap');
  return {
    appEnv,
    server: {
      port: server.port as number,
      host: (server.host as string | undefined) ?? DEFAULT_HOST,
      bodyLimitBytes: server.body_limit_bytes as number,
      shutdownGraceMs: server.shutdown_grace_ms as number,
      trustedProxies: proxyList((server.trusted_proxies as string | undefined) ?? ''),
    },
    database: {
      url: database.url as string,
      dataDir: database.data_dir as string,
      embeddedPort: database.embedded_port as number,
      poolMax: database.pool_max as number,
      readStatementTimeoutMs: (database.read_statement_timeout_ms as number | undefined) ?? DEFAULTS.readStatementTimeoutMs,
    },
    eventStore: {
      kind: (section(raw, 'event_store').kind as EventStoreKind | undefined) ?? 'postgres',
      connectionString: (section(raw, 'event_store').connection_string as string | undefined) ?? '',
    },
    logs: { level: section(raw, 'logs').level as LogLevel },
    auth: {
      jwtSecret: auth.jwt_secret as string,
      jwtAlgorithm: auth.jwt_algorithm as Settings['auth']['jwtAlgorithm'],
      sessionTtlMin: auth.session_ttl_min as number,
      sessionRefreshThreshold: auth.session_refresh_threshold as number,
      sessionMaxLifetimeH: (auth.session_max_lifetime_h as number | undefined) ?? DEFAULT_SESSION_MAX_LIFETIME_H,
    },
    cookies: { secure: section(security, 'cookies').secure as boolean },
    csrf: { allowedOrigins: (section(security, 'csrf').allowed_origins as string[] | undefined) ?? [] },
    password: {
      pepper: password.pepper as string,
      hasherWorkFactor: password.hasher_work_factor as number,
      hasherMaxConcurrency: password.hasher_max_concurrency as number,
      hasherWaitTimeoutS: password.hasher_wait_timeout_s as number,
      hasherQueueMax: (password.hasher_queue_max as number | undefined) ?? DEFAULTS.hasherQueueMax,
      hasherSignupConcurrency: (password.hasher_signup_concurrency as number | undefined) ?? DEFAULTS.hasherSignupConcurrency,
      hasherSignupQueueMax: (password.hasher_signup_queue_max as number | undefined) ?? DEFAULTS.hasherSignupQueueMax,
    },
    throttle: throttleOf({ ...DEFAULTS.throttle, ...section(security, 'throttle') }),
    projections: {
      runInProcess: section(raw, 'projections').run_in_process as boolean,
      readYourWritesWaitMs: (section(raw, 'projections').read_your_writes_wait_ms as number | undefined) ?? DEFAULT_READ_YOUR_WRITES_WAIT_MS,
      projectorHealthPort: section(raw, 'projections').projector_health_port as number | undefined,
    },
    metrics: { enabled: (section(raw, 'metrics').enabled as boolean | undefined) ?? true },
    bootstrap: {
      superAdminUsername: (bootstrap.super_admin_username as string | undefined) ?? '',
      superAdminPassword: (bootstrap.super_admin_password as string | undefined) ?? '',
    },
  };
}

function throttleOf(throttle: Tree): Settings['throttle'] {
  const value = (key: keyof typeof DEFAULTS.throttle): number => throttle[key] as number;
  return {
    accountFreeFailures: value('account_free_failures'),
    accountFirstDelayS: value('account_first_delay_s'),
    accountMaxDelayS: value('account_max_delay_s'),
    accountFailuresPerHour: value('account_failures_per_hour'),
    accountWritesPerHour: value('account_writes_per_hour'),
    addressFailures: value('address_failures'),
    addressFailuresWindowS: value('address_failures_window_s'),
    addressSignups: value('address_signups'),
    addressSignupsWindowS: value('address_signups_window_s'),
  };
}

const proxyList = (raw: string): string[] =>
  raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** What express's `trust proxy` takes: an address, a CIDR range, or one of its three names. */
function isProxySpec(item: string): boolean {
  if (PROXY_NAMES.has(item)) return true;
  const [address = '', prefix, ...rest] = item.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

/** Rules across keys, checked on the raw values (so that they are reported with the schema's). */
function crossKeyProblems(raw: Tree, origins: Origins): string[] {
  const problems: string[] = [];
  const proxies = valueAt(raw, 'server.trusted_proxies');
  const wrong = typeof proxies === 'string' ? proxyList(proxies).filter((item) => !isProxySpec(item)) : [];
  if (wrong.length > 0) {
    problems.push(
      `${keyHead('server.trusted_proxies', origins)}: must be a comma-separated list of addresses, CIDR ranges, loopback, linklocal or uniquelocal; ` +
        `got ${wrong.map((item) => `'${item}'`).join(', ')}`,
    );
  }
  const connectionString = valueAt(raw, 'event_store.connection_string');
  if (valueAt(raw, 'event_store.kind') === 'eventstoredb' && (connectionString === undefined || connectionString === '')) {
    problems.push(
      'event_store.connection_string is required with EVENT_STORE=eventstoredb (event_store.kind): ' +
        `${howToSet('event_store.connection_string', origins)}, e.g. esdb://127.0.0.1:2113?tls=false`,
    );
  }
  return problems;
}

/**
 * Production refuses the embedded database (it would share var/ with local development), the
 * development secrets (the ones known in code, and any value of config/local/.secrets.toml when
 * that file exists), placeholders, and secrets too predictable to be random.
 */
function productionProblems(raw: Tree, origins: Origins, configDir: string): string[] {
  const problems: string[] = [];
  if (valueAt(raw, 'database.url') === '') {
    problems.push('APP_ENV=prod needs DATABASE_URL (database.url): production never runs on the embedded database');
  }
  const file = path.join(configDir, 'local', '.secrets.toml');
  const committed = new Set<unknown>();
  (function collect(tree: Tree): void {
    for (const value of Object.values(tree)) {
      if (isTree(value)) collect(value);
      else if (typeof value === 'string' && value !== '') committed.add(value);
    }
  })(readToml(file, false));
  for (const key of SECRET_KEYS) {
    const value = valueAt(raw, key);
    if (typeof value !== 'string' || value === '') continue;
    // Keys the service derives from (the bootstrap password is a password: its rules are the users').
    const derivesKeys = KEY_SECRETS.includes(key) && value.length >= 32;
    const reason = committed.has(value) ? `a development secret committed in ${shownPath(file)}` : derivesKeys ? weakSecretReason(value) : undefined;
    if (reason === undefined) continue;
    problems.push(`${keyHead(key, origins)}: APP_ENV=prod refuses this secret, ${reason}; for a secret of your own (openssl rand -hex 32), ${howToSet(key, origins)}`);
  }
  return problems;
}
