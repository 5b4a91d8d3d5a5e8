import { expect } from 'chai';
import { copyFileSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadSettings } from '../../../src/config/load-settings';

const DEV_JWT = 'dev-only-jwt-secret-change-me-0123456789abcdef';
const DEV_PEPPER = 'dev-only-pepper-change-me-0123456789abcdefghij';
const STRONG = 'a-strong-production-secret-of-forty-chars!';

function expectConfigError(run: () => unknown, fragment: string): void {
  expect(run).to.throw(ConfigError).with.property('message').that.includes(fragment);
}

/** The message a user sees when loading fails. */
function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

const REPO_CONFIG = path.resolve(__dirname, '..', '..', '..', 'config');
const madeDirs: string[] = [];

/**
 * A config dir of its own holding the repository's files for `appEnv` (and local's development
 * secrets), with `edit` applied to config.toml; `secrets` becomes that environment's .secrets.toml.
 */
function configDirWith(appEnv: string, edit: (toml: string) => string, secrets?: string): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'ul-config-'));
  madeDirs.push(dir);
  mkdirSync(path.join(dir, 'local'));
  copyFileSync(path.join(REPO_CONFIG, 'local', '.secrets.toml'), path.join(dir, 'local', '.secrets.toml'));
  if (appEnv !== 'local') mkdirSync(path.join(dir, appEnv));
  const file = path.join(dir, appEnv, 'config.toml');
  const original = readFileSync(path.join(REPO_CONFIG, appEnv, 'config.toml'), 'utf8');
  const edited = edit(original);
  expect(edited, 'the edit changed nothing').to.not.equal(original);
  writeFileSync(file, edited);
  if (secrets !== undefined) writeFileSync(path.join(dir, appEnv, '.secrets.toml'), secrets);
  return { dir, file };
}

describe('loadSettings', () => {
  after(() => madeDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('loads the local environment by default, with the committed development secrets', () => {
    const { settings } = loadSettings({});
    expect(settings.appEnv).to.equal('local');
    expect(settings.server.port).to.equal(8000);
    expect(settings.database.url).to.equal('');
    expect(settings.auth.sessionTtlMin).to.equal(5);
    expect(settings.auth.sessionRefreshThreshold).to.equal(0.2);
    expect(settings.password.hasherWorkFactor).to.equal(11);
    expect(settings.auth.jwtSecret).to.equal(DEV_JWT);
  });

  it('lets environment variables override file values, parsed to their types', () => {
    const { settings } = loadSettings({
      PORT: '9001',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x',
      COOKIES_SECURE: 'true',
      SESSION_TTL_MIN: '0.5',
      BOOTSTRAP_SUPER_ADMIN_USERNAME: 'rootadmin',
    });
    expect(settings.server.port).to.equal(9001);
    expect(settings.database.url).to.equal('postgres://postgres@127.0.0.1:5432/x');
    expect(settings.cookies.secure).to.equal(true);
    expect(settings.auth.sessionTtlMin).to.equal(0.5);
    expect(settings.bootstrap.superAdminUsername).to.equal('rootadmin');
  });

  it('names the key of every bad value', () => {
    expectConfigError(() => loadSettings({ PORT: 'eighty' }), 'server.port');
    expectConfigError(() => loadSettings({ PORT: '70000' }), 'server.port');
    expectConfigError(() => loadSettings({ SESSION_REFRESH_THRESHOLD: '1' }), 'security.auth.session_refresh_threshold');
    expectConfigError(() => loadSettings({ HASHER_WORK_FACTOR: '9' }), 'security.password.hasher_work_factor');
    expectConfigError(() => loadSettings({ JWT_SECRET: 'short' }), 'security.auth.jwt_secret');
    expectConfigError(() => loadSettings({ COOKIES_SECURE: 'maybe' }), 'security.cookies.secure');
    expectConfigError(() => loadSettings({ DATABASE_URL: 'mysql://x' }), 'database.url');
  });

  it('serves metrics unless METRICS_ENABLED turns them off', () => {
    expect(loadSettings({}).settings.metrics.enabled).to.equal(true);
    expect(loadSettings({ METRICS_ENABLED: 'false' }).settings.metrics.enabled).to.equal(false);
    expect(loadSettings({ APP_ENV: 'prod', DATABASE_URL: 'postgres://db/x', JWT_SECRET: STRONG, PASSWORD_PEPPER: `${STRONG}x`, METRICS_ENABLED: '0' }).settings.metrics.enabled).to.equal(false);
    expectConfigError(() => loadSettings({ METRICS_ENABLED: 'maybe' }), 'metrics.enabled');
  });

  it('takes the projector health port from PROJECTOR_HEALTH_PORT, unset when absent or empty', () => {
    expect(loadSettings({}).settings.projections.projectorHealthPort).to.equal(undefined);
    expect(loadSettings({ PROJECTOR_HEALTH_PORT: '' }).settings.projections.projectorHealthPort).to.equal(undefined);
    expect(loadSettings({ PROJECTOR_HEALTH_PORT: '9100' }).settings.projections.projectorHealthPort).to.equal(9100);
    expectConfigError(() => loadSettings({ PROJECTOR_HEALTH_PORT: 'ninety' }), 'projections.projector_health_port');
    expectConfigError(() => loadSettings({ PROJECTOR_HEALTH_PORT: '70000' }), 'projections.projector_health_port');
  });

  it('ships the throttle, hasher-queue and read-timeout defaults, and takes each from its variable', () => {
    const { settings } = loadSettings({});
    expect(settings.throttle).to.deep.equal({
      accountFreeFailures: 5,
      accountFirstDelayS: 1,
      accountMaxDelayS: 900,
      accountFailuresPerHour: 100,
      accountWritesPerHour: 20,
      addressFailures: 50,
      addressFailuresWindowS: 600,
      addressSignups: 30,
      addressSignupsWindowS: 60,
    });
    expect(settings.password).to.include({ hasherQueueMax: 64, hasherSignupConcurrency: 2, hasherSignupQueueMax: 16 });
    expect(settings.database.readStatementTimeoutMs).to.equal(5000);
    expect(settings.server.trustedProxies).to.deep.equal([]);

    const overridden = loadSettings({
      THROTTLE_ACCOUNT_FREE_FAILURES: '3',
      THROTTLE_ADDRESS_SIGNUPS: '100',
      HASHER_QUEUE_MAX: '0',
      READ_STATEMENT_TIMEOUT_MS: '250',
      TRUSTED_PROXIES: ' loopback, 10.0.0.0/8 ,fd00::1 ',
    }).settings;
    expect(overridden.throttle).to.include({ accountFreeFailures: 3, addressSignups: 100, addressFailures: 50 });
    expect(overridden.password.hasherQueueMax).to.equal(0);
    expect(overridden.database.readStatementTimeoutMs).to.equal(250);
    expect(overridden.server.trustedProxies).to.deep.equal(['loopback', '10.0.0.0/8', 'fd00::1']);
  });

  it('refuses a trusted proxy that is no address, range or name, and a throttle limit below 1', () => {
    const message = messageOf(() => loadSettings({ TRUSTED_PROXIES: 'loopback,proxy.example,10.0.0.0/33', THROTTLE_ADDRESS_FAILURES: '0' }));
    expect(message).to.include("TRUSTED_PROXIES (server.trusted_proxies, from the environment): must be a comma-separated list of addresses, CIDR ranges, loopback, linklocal or uniquelocal; got 'proxy.example', '10.0.0.0/33'");
    expect(message).to.include('THROTTLE_ADDRESS_FAILURES (security.throttle.address_failures, from the environment)');
  });

  it('rejects an unknown APP_ENV', () => {
    expectConfigError(() => loadSettings({ APP_ENV: 'staging' }), 'APP_ENV');
  });

  it('refuses to start production without secrets, or with the development ones', () => {
    expectConfigError(() => loadSettings({ APP_ENV: 'prod' }), 'security.auth.jwt_secret is required');
    expectConfigError(
      () => loadSettings({ APP_ENV: 'prod', JWT_SECRET: DEV_JWT, PASSWORD_PEPPER: STRONG }),
      'JWT_SECRET (security.auth.jwt_secret, from the environment): APP_ENV=prod refuses this secret, a development secret',
    );
    expectConfigError(
      () => loadSettings({ APP_ENV: 'prod', JWT_SECRET: STRONG, PASSWORD_PEPPER: DEV_PEPPER }),
      'security.password.pepper',
    );
    // Production also needs a database server now (it refuses the embedded database).
    const { settings } = loadSettings({
      APP_ENV: 'prod',
      DATABASE_URL: 'postgres://userledger@db:5432/userledger',
      JWT_SECRET: STRONG,
      PASSWORD_PEPPER: `${STRONG}x`,
    });
    expect(settings.cookies.secure).to.equal(true);
  });

  describe('production secrets', () => {
    const prod = (secrets: Record<string, string>, configDir?: string) =>
      loadSettings({ APP_ENV: 'prod', DATABASE_URL: 'postgres://db/x', JWT_SECRET: STRONG, PASSWORD_PEPPER: `${STRONG}x`, ...secrets }, configDir);

    it('refuses the committed development secrets even where no config/local/.secrets.toml exists (the Docker image)', () => {
      const { dir } = configDirWith('prod', (toml) => toml.replace('pool_max = 20', 'pool_max = 21'));
      rmSync(path.join(dir, 'local', '.secrets.toml'));
      const message = messageOf(() => prod({ JWT_SECRET: DEV_JWT, PASSWORD_PEPPER: DEV_PEPPER }, dir));
      expect(message).to.include('JWT_SECRET (security.auth.jwt_secret, from the environment): APP_ENV=prod refuses this secret, a development secret this repository commits');
      expect(message).to.include('PASSWORD_PEPPER (security.password.pepper, from the environment): APP_ENV=prod refuses this secret, a development secret this repository commits');
      expect(message).to.not.include(DEV_JWT).and.not.include(DEV_PEPPER);
    });

    it('refuses placeholders and predictable values of 32 characters or more, without showing them', () => {
      const cases: Array<[string, string]> = [
        ['a'.repeat(40), 'too predictable (about 0 bits'],
        ['abcd'.repeat(10), 'too predictable (about 80 bits'],
        ['abcdefghijklmnop'.repeat(3), 'too predictable (it repeats a short pattern)'],
        ['please-change-me-before-going-live-0123456789', 'a placeholder value'],
      ];
      for (const [value, reason] of cases) {
        const message = messageOf(() => prod({ JWT_SECRET: value }));
        expect(message, value).to.include(`JWT_SECRET (security.auth.jwt_secret, from the environment): APP_ENV=prod refuses this secret, ${reason}`);
        expect(message, value).to.not.include(value);
      }
    });

    it('accepts random secrets such as openssl rand -hex 32 and -base64 32 give, and predictable ones outside prod', () => {
      expect(prod({ JWT_SECRET: '3f9a1c7e5b2d84f06a1e9c3b7d5f2a8e4c6b0d9f1a3e5c7b9d2f4a6c8e0b1d3f' }).settings.auth.jwtSecret).to.have.length(64);
      expect(prod({ PASSWORD_PEPPER: 'q3Zk8v1Xw+J2mT9rLp6YcN0sHb4Ud7Ge5Fa/Vx2Ko1E=' }).settings.password.pepper).to.have.length(44);
      expect(loadSettings({ JWT_SECRET: 'a'.repeat(40) }).settings.auth.jwtSecret).to.equal('a'.repeat(40));
    });

    it('leaves the bootstrap password to the password rules', () => {
      expect(prod({ BOOTSTRAP_SUPER_ADMIN_USERNAME: 'root', BOOTSTRAP_SUPER_ADMIN_PASSWORD: 'a'.repeat(40) }).settings.bootstrap.superAdminPassword).to.have.length(40);
    });
  });

  describe('listening, origins and the session cap', () => {
    it('listens on 127.0.0.1 unless HOST says otherwise', () => {
      expect(loadSettings({}).settings.server.host).to.equal('127.0.0.1');
      expect(loadSettings({ HOST: '0.0.0.0' }).settings.server.host).to.equal('0.0.0.0');
      expectConfigError(() => loadSettings({ HOST: 'http://x/' }), "HOST (server.host, from the environment): must be an IP address or host name to listen on, e.g. 127.0.0.1 or 0.0.0.0; got 'http://x/'");
    });

    it('takes ALLOWED_ORIGINS as a comma-separated list, none by default, and names a bad item under the list', () => {
      expect(loadSettings({}).settings.csrf.allowedOrigins).to.deep.equal([]);
      expect(loadSettings({ ALLOWED_ORIGINS: ' https://app.example.com, http://localhost:3000 ,' }).settings.csrf.allowedOrigins).to.deep.equal([
        'https://app.example.com',
        'http://localhost:3000',
      ]);
      expectConfigError(
        () => loadSettings({ ALLOWED_ORIGINS: 'https://app.example.com/path' }),
        "ALLOWED_ORIGINS (security.csrf.allowed_origins, from the environment): must be an origin: scheme, host and port, no path (https://app.example.com); got 'https://app.example.com/path'",
      );
    });

    it('caps sessions at 12 hours unless SESSION_MAX_LIFETIME_H says otherwise', () => {
      expect(loadSettings({}).settings.auth.sessionMaxLifetimeH).to.equal(12);
      expect(loadSettings({ SESSION_MAX_LIFETIME_H: '0.5' }).settings.auth.sessionMaxLifetimeH).to.equal(0.5);
      expectConfigError(() => loadSettings({ SESSION_MAX_LIFETIME_H: '0' }), 'SESSION_MAX_LIFETIME_H (security.auth.session_max_lifetime_h, from the environment): must be a number greater than 0 and at most 8760; got 0');
    });
  });

  it('deep-merges the secrets file over the config file and warns when it is missing', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ul-config-'));
    mkdirSync(path.join(dir, 'dev'));
    const base = loadSettings({}).settings;
    writeFileSync(
      path.join(dir, 'dev', 'config.toml'),
      [
        '[server]\nport = 8100\nbody_limit_bytes = 2048\nshutdown_grace_ms = 0',
        '[database]\nurl = ""\ndata_dir = "var"\nembedded_port = 0\npool_max = 2',
        '[logs]\nlevel = "warn"',
        '[security.auth]\njwt_algorithm = "HS512"\nsession_ttl_min = 1\nsession_refresh_threshold = 0.5',
        '[security.cookies]\nsecure = false',
        '[security.password]\nhasher_work_factor = 10\nhasher_max_concurrency = 1\nhasher_wait_timeout_s = 0.5',
        '[projections]\nrun_in_process = false',
      ].join('\n'),
    );
    const withoutSecrets = () => loadSettings({ APP_ENV: 'dev' }, dir);
    expectConfigError(withoutSecrets, 'is required');
    const env = { APP_ENV: 'dev', JWT_SECRET: base.auth.jwtSecret, PASSWORD_PEPPER: base.password.pepper };
    expect(loadSettings(env, dir).warnings[0]).to.include('No secrets file');
    writeFileSync(
      path.join(dir, 'dev', '.secrets.toml'),
      `[security.auth]\njwt_secret = "${STRONG}"\n[security.password]\npepper = "${STRONG}"\n`,
    );
    const { settings, warnings } = loadSettings({ APP_ENV: 'dev' }, dir);
    expect(warnings).to.deep.equal([]);
    expect(settings.auth.jwtSecret).to.equal(STRONG);
    expect(settings.auth.jwtAlgorithm).to.equal('HS512');
    expect(settings.server.port).to.equal(8100);
  });

  describe('start-up messages', () => {
    it('name the variable, the key, the file and the allowed values of an unknown event store', () => {
      const { dir, file } = configDirWith('local', (toml) => toml.replace('kind = "postgres"', 'kind = "mongo"'));
      expect(messageOf(() => loadSettings({}, dir))).to.equal(
        'Invalid configuration (APP_ENV=local):\n' +
          `  - EVENT_STORE (event_store.kind in ${file}): must be one of postgres, eventstoredb; got 'mongo'`,
      );
      expect(messageOf(() => loadSettings({ EVENT_STORE: 'mongo' }))).to.include(
        "EVENT_STORE (event_store.kind, from the environment): must be one of postgres, eventstoredb; got 'mongo'",
      );
    });

    it('name the variable and the file of each missing production secret (the repository\'s files by their path from there)', () => {
      const message = messageOf(() => loadSettings({ APP_ENV: 'prod' }));
      expect(message).to.include(
        '\n  - security.auth.jwt_secret is required: set JWT_SECRET or put jwt_secret under [security.auth] in config/prod/.secrets.toml\n',
      );
      expect(message).to.include(
        '\n  - security.password.pepper is required: set PASSWORD_PEPPER or put pepper under [security.password] in config/prod/.secrets.toml',
      );
    });

    it('say what a database URL must be without showing its credentials', () => {
      const message = messageOf(() => loadSettings({ DATABASE_URL: 'mysql://root:hunter2@db:3306/app' }));
      expect(message).to.include(
        'DATABASE_URL (database.url, from the environment): must be a postgres:// or postgresql:// URL, ' +
          "or empty for the embedded database; got 'mysql://***@db:3306/app'",
      );
      expect(message).to.not.include('hunter2').and.not.include('root');
      const odd = messageOf(() => loadSettings({ EVENTSTORE_CONNECTION_STRING: 'http://admin:pa@ss/word@esdb:2113' }));
      expect(odd).to.include(
        'EVENTSTORE_CONNECTION_STRING (event_store.connection_string, from the environment): must be an esdb://, ' +
          "esdb+discover://, kurrentdb:// or kurrentdb+discover:// connection string; got 'http://***@esdb:2113'",
      );
      expect(odd).to.not.include('pa@ss').and.not.include('admin');
      const inQuery = messageOf(() => loadSettings({ DATABASE_URL: 'mysql://db/app?user=me&password=hunter2&ssl=1' }));
      expect(inQuery).to.include("got 'mysql://db/app?user=me&password=***&ssl=1'").and.not.include('hunter2');
    });

    it('give the bounds of a port out of range, from the environment or from the file', () => {
      expect(messageOf(() => loadSettings({ PORT: '70000' }))).to.include(
        'PORT (server.port, from the environment): must be an integer from 0 to 65535; got 70000',
      );
      expect(messageOf(() => loadSettings({ PORT: 'eighty' }))).to.include(
        "PORT (server.port, from the environment): must be an integer from 0 to 65535; got 'eighty'",
      );
      const { dir, file } = configDirWith('local', (toml) => toml.replace('embedded_port = 54329', 'embedded_port = -1'));
      expect(messageOf(() => loadSettings({}, dir))).to.include(
        `EMBEDDED_DB_PORT (database.embedded_port in ${file}): must be an integer from 0 to 65535; got -1`,
      );
    });

    it('never echo a secret that is too short, from the environment or from the secrets file', () => {
      const fromEnvironment = messageOf(() => loadSettings({ JWT_SECRET: 'hunter2-is-short' }));
      expect(fromEnvironment).to.include(
        'JWT_SECRET (security.auth.jwt_secret, from the environment): must be a string of at least 32 characters; got 16 characters',
      );
      expect(fromEnvironment).to.not.include('hunter2');
      const secrets = `[security.auth]\njwt_secret = "${STRONG}"\n[security.password]\npepper = "hunter2-pepper"\n`;
      const { dir } = configDirWith('dev', (toml) => toml.replace('level = "info"', 'level = "warn"'), secrets);
      const fromFile = messageOf(() => loadSettings({ APP_ENV: 'dev' }, dir));
      expect(fromFile).to.include(
        `PASSWORD_PEPPER (security.password.pepper in ${path.join(dir, 'dev', '.secrets.toml')}): ` +
          'must be a string of at least 32 characters; got 14 characters',
      );
      expect(fromFile).to.not.include('hunter2');
    });

    it('refuse the embedded database in production, from the environment or from the file', () => {
      const secretsSet = { APP_ENV: 'prod', JWT_SECRET: STRONG, PASSWORD_PEPPER: `${STRONG}x` };
      expect(messageOf(() => loadSettings(secretsSet))).to.equal(
        'Invalid configuration (APP_ENV=prod):\n' +
          '  - APP_ENV=prod needs DATABASE_URL (database.url): production never runs on the embedded database',
      );
      expect(messageOf(() => loadSettings({ ...secretsSet, DATABASE_URL: '' }))).to.include('production never runs on the embedded database');
      const { dir } = configDirWith('prod', (toml) => toml.replace('url = ""', 'url = "postgres://userledger@db:5432/userledger"'));
      expect(loadSettings(secretsSet, dir).settings.database.url).to.equal('postgres://userledger@db:5432/userledger');
    });

    it('list everything a fresh production start lacks, one line each', () => {
      expect(messageOf(() => loadSettings({ APP_ENV: 'prod' }))).to.equal(
        [
          'Invalid configuration (APP_ENV=prod):',
          '  - security.auth.jwt_secret is required: set JWT_SECRET or put jwt_secret under [security.auth] in config/prod/.secrets.toml',
          '  - security.password.pepper is required: set PASSWORD_PEPPER or put pepper under [security.password] in config/prod/.secrets.toml',
          '  - APP_ENV=prod needs DATABASE_URL (database.url): production never runs on the embedded database',
        ].join('\n'),
      );
    });

    it('name both ways to replace a development secret in production, and where it came from', () => {
      const env = { APP_ENV: 'prod', DATABASE_URL: 'postgres://db/userledger', JWT_SECRET: DEV_JWT };
      const secrets = `[security.auth]\njwt_secret = "${STRONG}"\n[security.password]\npepper = "${DEV_PEPPER}"\n`;
      const { dir } = configDirWith('prod', (toml) => toml.replace('pool_max = 20', 'pool_max = 30'), secrets);
      const message = messageOf(() => loadSettings(env, dir));
      expect(message).to.equal(
        [
          'Invalid configuration (APP_ENV=prod):',
          '  - JWT_SECRET (security.auth.jwt_secret, from the environment): APP_ENV=prod refuses this secret, a development secret ' +
            `committed in ${path.join(dir, 'local', '.secrets.toml')}; for a secret of your own (openssl rand -hex 32), set JWT_SECRET or put jwt_secret ` +
            `under [security.auth] in ${path.join(dir, 'prod', '.secrets.toml')}`,
          `  - PASSWORD_PEPPER (security.password.pepper in ${path.join(dir, 'prod', '.secrets.toml')}): APP_ENV=prod refuses ` +
            `this secret, a development secret committed in ${path.join(dir, 'local', '.secrets.toml')}; for a secret of your own (openssl rand -hex 32), ` +
            `set PASSWORD_PEPPER or put pepper under [security.password] in ${path.join(dir, 'prod', '.secrets.toml')}`,
        ].join('\n'),
      );
      expect(message).to.not.include(DEV_JWT).and.not.include(DEV_PEPPER);
    });

    it('say what EVENT_STORE=eventstoredb needs, together with the other problems', () => {
      expect(messageOf(() => loadSettings({ EVENT_STORE: 'eventstoredb', PORT: 'x' }))).to.equal(
        [
          'Invalid configuration (APP_ENV=local):',
          "  - PORT (server.port, from the environment): must be an integer from 0 to 65535; got 'x'",
          '  - event_store.connection_string is required with EVENT_STORE=eventstoredb (event_store.kind): ' +
            'set EVENTSTORE_CONNECTION_STRING or put connection_string under [event_store] in config/local/config.toml, ' +
            'e.g. esdb://127.0.0.1:2113?tls=false',
        ].join('\n'),
      );
    });

    it('name an unknown key and the keys its table takes', () => {
      const { dir, file } = configDirWith('local', (toml) => toml.replace('port = 8000', 'prot = 8000'));
      expect(messageOf(() => loadSettings({ PORT: '8000' }, dir))).to.equal(
        'Invalid configuration (APP_ENV=local):\n' +
          `  - server.prot in ${file}: is not a known key; [server] takes port, host, body_limit_bytes, shutdown_grace_ms, trusted_proxies`,
      );
    });

    it('give one line to each of several problems, in one message', () => {
      const { dir, file } = configDirWith('local', (toml) =>
        toml.replace('pool_max = 10', 'pool_max = 0').replace('session_refresh_threshold = 0.2', 'session_refresh_threshold = 1.5'),
      );
      const env = { PORT: '-1', COOKIES_SECURE: 'maybe', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://u:secret-pw@h/db' };
      expect(messageOf(() => loadSettings(env, dir))).to.equal(
        [
          'Invalid configuration (APP_ENV=local):',
          '  - PORT (server.port, from the environment): must be an integer from 0 to 65535; got -1',
          '  - DATABASE_URL (database.url, from the environment): must be a postgres:// or postgresql:// URL, ' +
            "or empty for the embedded database; got 'mysql://***@h/db'",
          `  - DATABASE_POOL_MAX (database.pool_max in ${file}): must be an integer from 1 to 500; got 0`,
          "  - LOG_LEVEL (logs.level, from the environment): must be one of fatal, error, warn, info, debug, trace, silent; got 'loud'",
          `  - SESSION_REFRESH_THRESHOLD (security.auth.session_refresh_threshold in ${file}): ` +
            'must be a number greater than 0 and less than 1; got 1.5',
          "  - COOKIES_SECURE (security.cookies.secure, from the environment): must be true or false; got 'maybe'",
        ].join('\n'),
      );
    });
  });
});
