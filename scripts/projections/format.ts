import type { ProjectionStatus } from '../../projections/operations/projection-status';
import type { RowDifference, VerifyResult } from '../../projections/operations/verify';

const time = (iso: string | null): string => (iso === null ? '-' : iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z'));
const lag = (status: Pick<ProjectionStatus, 'lag'>): string => `${status.lag.events.toLocaleString('en')}${status.lag.atLeast ? '+' : ''}`;

/** `projections status` as a table, one row per projection and reaction, then what stopped and why. */
export function formatStatus(statuses: readonly ProjectionStatus[]): string {
  const rows = statuses.map((s) => [
    s.name,
    s.kind,
    s.version === null ? '-' : `v${s.version}`,
    s.state.replace('_', ' '),
    s.checkpoint ?? '-',
    lag(s),
    s.lag.seconds.toFixed(1),
    s.lease.owner ?? '-',
    time(s.lease.expiresAt),
    time(s.lease.activeSince),
  ]);
  const header = ['name', 'kind', 'version', 'state', 'checkpoint', 'lag (events)', 'lag (s)', 'lease owner', 'lease expires', 'active since'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const notes = statuses.flatMap((s) => [
    ...(s.reason === null ? [] : [`${s.name}: ${s.reason}`]),
    ...(s.stoppedEvent === null ? [] : [`${s.name}: stopped at event ${s.stoppedEvent.id} (${s.stoppedEvent.type}, stream ${s.stoppedEvent.stream}, position ${s.stoppedEvent.position}); after a fix, \`resume ${s.name}\`, or \`resume ${s.name} --skip ${s.stoppedEvent.position}\` to pass over it`]),
    ...(s.rebuild === null
      ? []
      : [`${s.name}: rebuilding v${s.rebuild.version} (${s.rebuild.table}), checkpoint ${s.rebuild.checkpoint ?? '-'}, lag ${lag(s.rebuild)} events, ${s.rebuild.lease.held ? `by ${s.rebuild.lease.owner}` : 'no rebuild running: run `rebuild ' + s.name + '` to resume it'}`]),
  ]);
  return [line(header), ...rows.map(line), ...(notes.length === 0 ? [] : ['', ...notes])].join('\n');
}

/** `projections verify`: the verdict, the counts, and the first differing rows of each kind. */
export function formatVerify(name: string, result: VerifyResult): string {
  const lines = [
    `${name} (${result.table}) at position ${result.position ?? 'the start'}: ${result.equal ? 'equal to a fresh fold of the log' : 'DIFFERS from a fresh fold of the log'}`,
    `rows: ${result.rows.table.toLocaleString('en')} in the table, ${result.rows.log.toLocaleString('en')} from the log` +
      (result.maintainedCount === null ? '' : `; the maintained count says ${result.maintainedCount.toLocaleString('en')}`),
  ];
  const section = (title: string, part: { count: number; first: readonly RowDifference[] }): void => {
    if (part.count === 0) return;
    lines.push(`${title}: ${part.count.toLocaleString('en')}`);
    for (const row of part.first) lines.push(`  ${row.key}: table ${JSON.stringify(row.table)}, log ${JSON.stringify(row.log)}`);
  };
  section('missing from the table', result.missing);
  section('extra in the table', result.extra);
  section('different', result.different);
  return lines.join('\n');
}
