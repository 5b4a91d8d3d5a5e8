/**
 * The load generator, in a process of its own so that the measured server's event loop serves
 * only: keep-alive `node:http` requests from `connections` workers, for a warm-up and then for
 * `durationMs`, counting the requests completed in that window. Worker w cycles through `scripts[w % scripts.length]`; `{n}` in a path or body
 * becomes a number unique in the run (fresh usernames for sign-ups). Any other status than the
 * step's is a failure: the process exits 1 naming it. Prints one JSON line of LoadFigures.
 */
import http from 'node:http';

export interface LoadStep {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly body?: string;
  readonly status: number;
  /** Statuses that are counted (as `refused`) but neither fail the run nor count as done: a hasher's 503 under overload. */
  readonly tolerated?: readonly number[];
}

export interface LoadOrder {
  readonly baseUrl: string;
  readonly cookie?: string;
  readonly connections: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly scripts: readonly (readonly LoadStep[])[];
}

export interface LoadFigures {
  readonly ops: number;
  readonly totalMs: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Answers with a tolerated status inside the window. */
  readonly refused: number;
}

function send(agent: http.Agent, base: URL, cookie: string | undefined, step: LoadStep, n: number): Promise<number> {
  const path = step.path.replaceAll('{n}', String(n));
  const body = step.body?.replaceAll('{n}', String(n));
  const headers: Record<string, string> = cookie === undefined ? {} : { cookie };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  return new Promise((resolve, reject) => {
    const request = http.request(new URL(path, base), { method: step.method, agent, headers }, (response) => {
      response.on('data', () => undefined);
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

async function run(order: LoadOrder): Promise<LoadFigures> {
  const base = new URL(order.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: order.connections });
  const latencies: number[] = [];
  let counter = 0;
  const startedAt = Date.now();
  const measureFrom = startedAt + order.warmupMs;
  const endAt = measureFrom + order.durationMs;
  let measuredOps = 0;
  let refused = 0;
  const worker = async (w: number): Promise<void> => {
    const script = order.scripts[w % order.scripts.length] ?? [];
    for (let i = 0; Date.now() < endAt; i++) {
      const step = script[i % script.length];
      if (step === undefined) return;
      const t0 = process.hrtime.bigint();
      const status = await send(agent, base, order.cookie, step, counter++);
      const tolerated = step.tolerated?.includes(status) === true;
      if (status !== step.status && !tolerated) {
        const hint = status === 429 ? ' (the service throttled the load: raise its THROTTLE_* limits, see README "Benchmarks")' : '';
        throw new Error(`${step.method} ${step.path} answered ${status}, not ${step.status}${hint}`);
      }
      // Completions inside the window count, whenever they were sent: slow requests (bcrypt) still show in a short window.
      const doneAt = Date.now();
      if (tolerated) {
        if (doneAt >= measureFrom && doneAt <= endAt) refused++;
      } else if (doneAt >= measureFrom && doneAt <= endAt) {
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        measuredOps++;
      }
    }
  };
  await Promise.all(Array.from({ length: order.connections }, (_, w) => worker(w)));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return { ops: measuredOps, totalMs: order.durationMs, perSecond: measuredOps / (order.durationMs / 1000), p50Ms: at(0.5), p99Ms: at(0.99), refused };
}

if (require.main === module) {
  run(JSON.parse(process.argv[2] ?? '{}') as LoadOrder).then(
    (figures) => process.stdout.write(`${JSON.stringify(figures)}\n`),
    (error: unknown) => {
      process.stderr.write(`load client failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
