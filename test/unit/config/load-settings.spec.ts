import { expect } from 'chai';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadSettings } from '../../../src/config/load-settings';

const DEV_JWT = 'dev-only-jwt-secret-change-me-0123456789abcdef';
const DEV_PEPPER = 'dev-only-pepper-change-me-0123456789abcdefghij';
const STRONG = 'a-strong-production-secret-of-forty-chars!';

function expectConfigError(run: () => unknown, fragment: string): void {
  expect(run).to.throw(ConfigError).with.property('message').that.includes(fragment);
}

describe('loadSettings', () => {
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

  it('rejects an unknown APP_ENV', () => {
    expectConfigError(() => loadSettings({ APP_ENV: 'staging' }), 'APP_ENV');
  });

  it('refuses to start production without secrets, or with the development ones', () => {
    expectConfigError(() => loadSettings({ APP_ENV: 'prod' }), 'security.auth.jwt_secret: is required');
    expectConfigError(
      () => loadSettings({ APP_ENV: 'prod', JWT_SECRET: DEV_JWT, PASSWORD_PEPPER: STRONG }),
      'refuses the development secrets in security.auth.jwt_secret',
    );
    expectConfigError(
      () => loadSettings({ APP_ENV: 'prod', JWT_SECRET: STRONG, PASSWORD_PEPPER: DEV_PEPPER }),
      'security.password.pepper',
    );
    const { settings } = loadSettings({ APP_ENV: 'prod', JWT_SECRET: STRONG, PASSWORD_PEPPER: `${STRONG}x` });
    expect(settings.cookies.secure).to.equal(true);
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
});
