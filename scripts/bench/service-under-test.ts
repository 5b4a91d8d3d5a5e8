import { pssOfTree } from './process-memory';
import type { ServerProcess } from './bench-processes';

export const ROOT = { username: 'bench.root', password: 'bench-password' };
const json = { 'content-type': 'application/json' };

/** The service under measurement, however it was started: by the bench, or at `--url`. */
export interface ServiceUnderTest {
  readonly url: string;
  /** Its process when the bench started it (memory rows need it). */
  readonly process?: ServerProcess;
  readonly credentials: { readonly username: string; readonly password: string };
}

/** A fresh session's cookie: each row logs in anew, so no row runs into a renewal or an expiry. */
export async function logIn(service: ServiceUnderTest, credentials = service.credentials): Promise<string> {
  const response = await call(service, 'POST', '/api/v1/account/login', credentials);
  return (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

/** A request that must succeed (status below 400); answers the response with its body read. */
export async function call(service: ServiceUnderTest, method: string, route: string, body?: unknown, cookie?: string, signal?: AbortSignal): Promise<Response & { json(): Promise<unknown> }> {
  const response = await fetch(`${service.url}${route}`, {
    method,
    headers: { ...json, ...(cookie === undefined ? {} : { cookie }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    ...(signal ? { signal } : {}),
  });
  const text = await response.text();
  if (response.status >= 400) throw new Error(`${method} ${route} answered ${response.status}: ${text}`);
  return Object.assign(response, { json: async () => (text === '' ? null : JSON.parse(text)) as unknown });
}

/** Samples the PSS of the service's process tree while loads run: the "under load" memory row takes the peak. */
export class MemorySampler {
  private peak = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pid: number | undefined) {}

  start(): void {
    if (this.pid === undefined || this.timer !== undefined) return;
    this.sample();
    this.timer = setInterval(() => this.sample(), 250);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
  }

  get peakBytes(): number {
    return this.peak;
  }

  private sample(): void {
    if (this.pid === undefined) return;
    this.peak = Math.max(this.peak, pssOfTree(this.pid).bytes);
  }
}
