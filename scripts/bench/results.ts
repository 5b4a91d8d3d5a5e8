import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/shared/project-root';

/** A measured figure: a rate (req/s, events/s), a latency, a size or a duration, with its percentiles where it has them. */
export interface Figure {
  readonly value: number;
  readonly unit: 'req/s' | 'events/s' | 'rows/s' | 'ms' | 'MB';
  readonly p50Ms?: number;
  readonly p99Ms?: number;
}

/** What a row is judged by: its ratio to the baseline, or the figure itself against a bound. */
export type Target =
  | { readonly kind: 'ratio-at-least'; readonly value: number }
  | { readonly kind: 'p99-below'; readonly valueMs: number }
  | { readonly kind: 'at-most'; readonly value: number }
  | { readonly kind: 'at-least'; readonly value: number }
  | { readonly kind: 'none'; readonly why: string };

export interface RowResult {
  readonly id: string;
  readonly title: string;
  readonly figure: Figure;
  readonly baseline: { readonly name: string; readonly figure: Figure } | null;
  /** figure ÷ baseline (for latencies and sizes too: lower is better there). */
  readonly ratio: number | null;
  readonly target: Target;
  readonly met: boolean | null;
}

export interface BenchReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly command: string;
  readonly machine: { readonly cpus: number; readonly model: string; readonly node: string; readonly postgres: string; readonly eventStore: string };
  readonly smoke: boolean;
  readonly interrupted: boolean;
  readonly rows: readonly RowResult[];
}

/** A row's result from its figure, baseline and target; met is judged here, once. */
export function judged(row: Omit<RowResult, 'ratio' | 'met'>): RowResult {
  const ratio = row.baseline === null || row.baseline.figure.value === 0 ? null : row.figure.value / row.baseline.figure.value;
  return { ...row, ratio, met: meets(row.target, row.figure, ratio) };
}

function meets(target: Target, figure: Figure, ratio: number | null): boolean | null {
  switch (target.kind) {
    case 'ratio-at-least':
      return ratio === null ? null : ratio >= target.value;
    case 'p99-below':
      return figure.p99Ms === undefined || Number.isNaN(figure.p99Ms) ? null : figure.p99Ms < target.valueMs;
    case 'at-most':
      return figure.value <= target.value;
    case 'at-least':
      return figure.value >= target.value;
    case 'none':
      return null;
  }
}

const number = (value: number, digits = 0): string =>
  Number.isFinite(value) ? value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–';

const ms = (value: number | undefined): string => (value === undefined || Number.isNaN(value) ? '–' : value < 10 ? number(value, 2) : number(value, 1));

export function formatFigure(figure: Figure): string {
  const main = figure.unit === 'ms' ? `p50 ${ms(figure.p50Ms)} ms, p99 ${ms(figure.p99Ms)} ms` : `${number(figure.value, figure.unit === 'MB' ? 1 : 0)} ${figure.unit}`;
  if (figure.unit === 'ms' || figure.p50Ms === undefined) return main;
  return `${main} (p50 ${ms(figure.p50Ms)} ms, p99 ${ms(figure.p99Ms)} ms)`;
}

export function formatTarget(target: Target): string {
  switch (target.kind) {
    case 'ratio-at-least':
      return `ratio ≥ ${target.value}`;
    case 'p99-below':
      return `p99 < ${target.valueMs} ms`;
    case 'at-most':
      return `≤ ${number(target.value)}`;
    case 'at-least':
      return `≥ ${number(target.value)}`;
    case 'none':
      return `– (${target.why})`;
  }
}

const MET = { true: 'met', false: 'not met', null: '–' } as const;

/** The one Markdown table of a run. */
export function markdownTable(rows: readonly RowResult[]): string {
  const header = ['row', 'figure', 'baseline, same run', 'ratio', 'target', ''];
  const body = rows.map((row) => [
    row.title,
    formatFigure(row.figure),
    row.baseline === null ? '–' : `${row.baseline.name}: ${formatFigure(row.baseline.figure)}`,
    row.ratio === null ? '–' : number(row.ratio, row.ratio < 0.1 ? 3 : 2),
    formatTarget(row.target),
    MET[String(row.met) as keyof typeof MET],
  ]);
  const widths = header.map((cell, i) => Math.max(cell.length, ...body.map((cells) => (cells[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const rule = `|${widths.map((width, i) => (i === 3 ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
}

export const RESULTS_DIR = path.join(PROJECT_ROOT, 'var', 'bench');

/** Writes the report as var/bench/<time>.json (through a rename: a reader never sees half a file) and answers its path. */
export function writeReport(report: BenchReport, dir = RESULTS_DIR): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${report.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  return file;
}

/** The newest report under dir, or undefined when there is none. */
export function latestReport(dir = RESULTS_DIR): { file: string; report: BenchReport } | undefined {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.json')).sort();
  } catch {
    return undefined;
  }
  const newest = names[names.length - 1];
  if (newest === undefined) return undefined;
  const file = path.join(dir, newest);
  return { file, report: JSON.parse(readFileSync(file, 'utf8')) as BenchReport };
}
