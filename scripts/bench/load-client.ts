/**
 * A load client in its own process, so that the service's event loop does not also run the
 * client: keep-alive `node:http` GETs at a fixed concurrency. Started by request-path.bench.ts;
 * prints one JSON line `{ ops, totalMs, p50Ms, p99Ms }`.
 */
import http from 'node:http';

interface LoadOrder {
  readonly url: string;
  readonly cookie: string;
  readonly ops: number;
  readonly concurrency: number;
}

function get(agent: http.Agent, url: URL, cookie: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent, headers: { cookie } }, (response) => {
      response.on('data', () => undefined);
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

async function run(order: LoadOrder): Promise<void> {
  const url = new URL(order.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: order.concurrency });
  const latencies = new Array<number>(order.ops);
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async (): Promise<void> => {
    for (let index = next++; index < order.ops; index = next++) {
      const t0 = process.hrtime.bigint();
      const status = await get(agent, url, order.cookie);
      if (status !== 200) throw new Error(`answered ${status}`);
      latencies[index] = Number(process.hrtime.bigint() - t0) / 1e6;
    }
  };
  await Promise.all(Array.from({ length: order.concurrency }, worker));
  const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  process.stdout.write(`${JSON.stringify({ ops: order.ops, totalMs, p50Ms: at(0.5), p99Ms: at(0.99) })}\n`);
}

run(JSON.parse(process.argv[2] ?? '{}') as LoadOrder).catch((error: unknown) => {
  process.stderr.write(`load client failed: ${String(error)}\n`);
  process.exit(1);
});
