import type { DoubleUser } from './security';

/**
 * The standalone server's command line: `--port N` (default 2113), `--host H` (default 127.0.0.1), and
 * `--users name:password,…` for a secure node (TLS and credentials) with those users.
 */
export interface ServerArguments {
  readonly port: number;
  readonly host: string;
  readonly users?: readonly DoubleUser[];
}

export const USAGE = 'usage: eventstoredb:test-server [--port <0-65535>] [--host <address>] [--users <name:password>[,<name:password>…]]';

function parseUsers(value: string): readonly DoubleUser[] | { readonly error: string } {
  const users: DoubleUser[] = [];
  for (const entry of value.split(',')) {
    const colon = entry.indexOf(':');
    if (colon < 1 || colon === entry.length - 1) return { error: 'invalid --users: each entry is name:password' };
    users.push({ username: entry.slice(0, colon), password: entry.slice(colon + 1) });
  }
  return users;
}

export function parseServerArguments(argv: readonly string[]): ServerArguments | { readonly error: string } {
  let port = 2113;
  let host = '127.0.0.1';
  let users: readonly DoubleUser[] | undefined;
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i] as string, argv[i + 1]];
    if (value === undefined || value.startsWith('--')) return { error: `${flag} needs a value` };
    switch (flag) {
      case '--port':
        if (!/^\d+$/.test(value) || Number(value) > 65_535) return { error: `invalid port: ${value}` };
        port = Number(value);
        break;
      case '--host':
        if (value.trim() === '') return { error: 'invalid host: empty' };
        host = value;
        break;
      case '--users': {
        const parsed = parseUsers(value);
        if ('error' in parsed) return parsed;
        users = parsed;
        break;
      }
      default:
        return { error: `unknown argument: ${flag}` };
    }
  }
  return users === undefined ? { port, host } : { port, host, users };
}
