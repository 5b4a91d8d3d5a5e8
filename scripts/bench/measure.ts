/** Timing helpers for the benchmarks: run an operation n times at a given concurrency. */
export interface Measurement {
  readonly name: string;
  readonly target: string;
  readonly ops: number;
  readonly totalMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export async function measure(
  name: string,
  target: string,
  ops: number,
  concurrency: number,
  operation: (index: number) => Promise<unknown> | unknown,
): Promise<Measurement> {
  const latencies: number[] = new Array<number>(ops);
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async (): Promise<void> => {
    for (let index = next++; index < ops; index = next++) {
      const t0 = process.hrtime.bigint();
      await operation(index);
      latencies[index] = Number(process.hrtime.bigint() - t0) / 1e6;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ops) }, worker));
  const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { name, target, ops, totalMs, p50Ms: at(0.5), p99Ms: at(0.99) };
}

export function printTable(rows: readonly Measurement[]): void {
  const header = ['benchmark', 'target', 'ops', 'total ms', 'ops/s', 'p50 ms', 'p99 ms'];
  const body = rows.map((r) => [
    r.name,
    r.target,
    String(r.ops),
    r.totalMs.toFixed(0),
    (r.ops / (r.totalMs / 1000)).toFixed(0),
    r.p50Ms.toFixed(2),
    r.p99Ms.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  process.stdout.write(`${line(header)}\n|${widths.map((w, i) => (i < 2 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|\n`);
  for (const row of body) process.stdout.write(`${line(row)}\n`);
}

/** Runs `operation` from `concurrency` workers for `durationMs` and answers its rate and latencies. */
export async function timed(
  durationMs: number,
  concurrency: number,
  operation: (index: number) => Promise<unknown>,
  signal?: AbortSignal,
): Promise<{ ops: number; perSecond: number; p50Ms: number; p99Ms: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  const endAt = Date.now() + durationMs;
  const worker = async (): Promise<void> => {
    while (Date.now() < endAt) {
      signal?.throwIfAborted();
      const t0 = process.hrtime.bigint();
      await operation(next++);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
  return { ops: latencies.length, perSecond: latencies.length / (totalMs / 1000), ...percentiles(latencies) };
}

/** p50 and p99 of a list of milliseconds (NaN when empty). */
export function percentiles(latencies: readonly number[]): { p50Ms: number; p99Ms: number } {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50Ms: at(0.5), p99Ms: at(0.99) };
}
