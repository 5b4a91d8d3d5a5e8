/** The standalone server's command line: `--port N` (default 2113) and `--host H` (default 127.0.0.1). */
export interface ServerArguments {
  readonly port: number;
  readonly host: string;
}

export const USAGE = 'usage: eventstoredb:test-server [--port <0-65535>] [--host <address>]';

export function parseServerArguments(argv: readonly string[]): ServerArguments | { readonly error: string } {
  let port = 2113;
  let host = '127.0.0.1';
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
      default:
        return { error: `unknown argument: ${flag}` };
    }
  }
  return { port, host };
}
