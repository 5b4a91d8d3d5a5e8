import { randomBytes } from 'node:crypto';
import { chownSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ServerAccount } from './server-account';

/** The superuser's password, generated at the first initialisation; only its owner may read it. */
export const PASSWORD_FILE = 'postgres-password';

export function passwordFilePath(dataDir: string): string {
  return path.join(dataDir, PASSWORD_FILE);
}

export function readClusterPassword(dataDir: string): string | undefined {
  try {
    const password = readFileSync(passwordFilePath(dataDir), 'utf8').trim();
    return password === '' ? undefined : password;
  } catch {
    return undefined;
  }
}

/** Writes a new random password (URL-safe, so a connection string needs no escaping) with mode 0600. */
export function createClusterPassword(dataDir: string, account: ServerAccount): string {
  const password = randomBytes(24).toString('base64url');
  const file = passwordFilePath(dataDir);
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  // initdb reads it as the server's user.
  if (account.uid !== undefined && account.gid !== undefined) chownSync(file, account.uid, account.gid);
  return password;
}
