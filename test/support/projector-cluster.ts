import { eventually } from './eventually';
import { freePort } from './free-port';
import { runTs, type ServiceProcess } from './service-process';

/** `npm run eventstoredb:test-server -- --port N` (an empty log of its own), once it prints its connection string. */
export async function startDoubleProcess(port?: number): Promise<ServiceProcess & { connectionString: string; port: number }> {
  port ??= await freePort();
  const double = runTs('test/support/eventstoredb-double/main.ts', ['--port', String(port)], {});
  try {
    const connectionString = await eventually(
      'the EventStoreDB double to print its connection string',
      async () => {
        if (double.child.exitCode !== null) throw new Error(`the double exited early:\n${double.output()}`);
        return /(esdb:\/\/\S+)/.exec(double.output())?.[1];
      },
      30_000,
    );
    return { ...double, connectionString, port };
  } catch (error) {
    double.child.kill('SIGKILL');
    throw error;
  }
}

/** SIGTERM, then the exit code. */
export async function stopProcess(process: ServiceProcess): Promise<number | string> {
  if (process.child.exitCode !== null || process.child.signalCode !== null) return process.exited;
  process.child.kill('SIGTERM');
  return process.exited;
}

export type ProjectorRole = 'starting' | 'active' | 'standby' | 'stopped';

export interface ProjectorProcess extends ServiceProcess {
  readonly healthPort: number;
  /** This process's role per projection or reaction, from its /health; undefined when it does not answer. */
  roles(): Promise<Record<string, ProjectorRole> | undefined>;
  /** The log lines it wrote, parsed (lines that are not JSON left out). */
  logLines(): Array<Record<string, unknown>>;
}

/** `npm run projector` with a health port, once its /health answers. */
export async function startProjector(env: NodeJS.ProcessEnv): Promise<ProjectorProcess> {
  const healthPort = await freePort();
  const process = runTs('src/projector-main.ts', [], { APP_ENV: 'test', LOG_LEVEL: 'info', ...env, PROJECTOR_HEALTH_PORT: String(healthPort) });
  const roles = async (): Promise<Record<string, ProjectorRole> | undefined> => {
    try {
      const response = await fetch(`http://127.0.0.1:${healthPort}/health`, { signal: AbortSignal.timeout(2_000) });
      return ((await response.json()) as { roles: Record<string, ProjectorRole> }).roles;
    } catch {
      return undefined;
    }
  };
  const logLines = (): Array<Record<string, unknown>> =>
    process
      .output()
      .split('\n')
      .flatMap((line) => {
        try {
          const parsed = JSON.parse(line) as unknown;
          return typeof parsed === 'object' && parsed !== null ? [parsed as Record<string, unknown>] : [];
        } catch {
          return [];
        }
      });
  try {
    await eventually(
      'the projector to answer /health',
      async () => {
        if (process.child.exitCode !== null) throw new Error(`the projector exited early:\n${process.output()}`);
        return roles();
      },
      60_000,
    );
  } catch (error) {
    process.child.kill('SIGKILL');
    throw error;
  }
  return { ...process, healthPort, roles, logLines };
}

/** Of `projectors`, the one whose /health says it runs `projection` now, if any. */
export async function activeFor(projectors: readonly ProjectorProcess[], projection: string): Promise<ProjectorProcess | undefined> {
  for (const projector of projectors) if ((await projector.roles())?.[projection] === 'active') return projector;
  return undefined;
}

/** SIGKILL, and the moment it was sent. */
export async function kill(process: ServiceProcess): Promise<number> {
  const at = Date.now();
  process.child.kill('SIGKILL');
  await process.exited;
  return at;
}

export interface ListedUser {
  readonly id_: string;
  readonly username: string;
  readonly role: string;
  readonly is_active: boolean;
}

/** The HTTP API as a logged-in caller sees it. */
export class ApiCaller {
  private constructor(
    readonly url: string,
    private readonly cookie: string,
  ) {}

  static async logIn(url: string, username: string, password: string): Promise<ApiCaller> {
    const response = await fetch(`${url}/api/v1/account/login`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ username, password }) });
    if (response.status !== 204) throw new Error(`log-in of ${username} answered ${response.status}: ${await response.text()}`);
    return new ApiCaller(url, (response.headers.get('set-cookie') ?? '').split(';')[0] as string);
  }

  /** The request's status and body; throws unless the status is `expected`. */
  async send(method: string, path: string, expected: number, body?: unknown): Promise<{ text: string; headers: Headers }> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { ...JSON_HEADERS, cookie: this.cookie },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (response.status !== expected) throw new Error(`${method} ${path} answered ${response.status} (expected ${expected}): ${text}`);
    return { text, headers: response.headers };
  }

  /**
   * Every page of GET /api/v1/users/, following next_cursor, and the total each page stated.
   * With `minPosition` (a command's X-Log-Position), the first page waits for the read model to
   * pass it; `stale` says it had not within the service's bounded wait.
   */
  async listAll(options: { pageSize?: number; minPosition?: bigint } = {}): Promise<{ users: ListedUser[]; totals: number[]; stale: boolean }> {
    const users: ListedUser[] = [];
    const totals: number[] = [];
    let stale = false;
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({
        limit: String(options.pageSize ?? 200),
        ...(cursor === null ? {} : { cursor }),
        ...(cursor === null && options.minPosition !== undefined ? { min_position: options.minPosition.toString() } : {}),
      });
      const reply = await this.send('GET', `/api/v1/users/?${query.toString()}`, 200);
      const page = JSON.parse(reply.text) as { users: ListedUser[]; total: number; next_cursor: string | null };
      if (reply.headers.get('x-read-model-stale') === 'true') stale = true;
      users.push(...page.users);
      totals.push(page.total);
      cursor = page.users.length === 0 ? null : page.next_cursor;
    } while (cursor !== null);
    return { users, totals, stale };
  }
}

/** The X-Log-Position of a command's reply: where its events stand in the log. */
export function logPositionOf(headers: Headers): bigint {
  const position = headers.get('x-log-position');
  if (position === null) throw new Error('the reply has no X-Log-Position');
  return BigInt(position);
}

/** Signs a user up (no session); answers the new id and the position of its events. */
export async function signUp(url: string, username: string, password: string): Promise<{ id: string; position: bigint }> {
  const response = await fetch(`${url}/api/v1/account/signup`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ username, password }) });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`sign-up of ${username} answered ${response.status}: ${text}`);
  return { id: (JSON.parse(text) as { id: string }).id, position: logPositionOf(response.headers) };
}

const JSON_HEADERS = { 'content-type': 'application/json' };
