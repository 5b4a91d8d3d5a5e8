import type { BenchReport, RowResult, Target } from './results';
import { formatFigure, formatTarget } from './results';

/**
 * How far a row got towards its target, 1 = exactly met: the ratio over the target ratio, or
 * the bound over the figure for rows that must stay below one. Undefined for rows without a target.
 */
export function score(row: RowResult): number | undefined {
  const target: Target = row.target;
  switch (target.kind) {
    case 'ratio-at-least':
      return row.ratio === null ? undefined : row.ratio / target.value;
    case 'p99-below':
      return row.figure.p99Ms === undefined || !(row.figure.p99Ms > 0) ? undefined : target.valueMs / row.figure.p99Ms;
    case 'at-most':
      return row.figure.value > 0 ? target.value / row.figure.value : undefined;
    case 'at-least':
      return row.figure.value / target.value;
    case 'none':
      return undefined;
  }
}

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A horizontal bar per row with a target: its score on a common scale, a dashed line at the
 * target (1), green when met and orange when not, labelled with the ratio (or figure) and the target.
 */
export function renderChart(report: BenchReport): string {
  const rows = report.rows.flatMap((row) => {
    const value = score(row);
    return value === undefined || !Number.isFinite(value) ? [] : [{ row, value }];
  });
  const labelWidth = 250;
  const barWidth = 420;
  const noteWidth = 330;
  const rowHeight = 26;
  const top = 58;
  const width = labelWidth + barWidth + noteWidth + 20;
  const height = top + rows.length * rowHeight + 40;
  const scaleMax = Math.max(1.5, ...rows.map((r) => Math.min(r.value, 3)));
  const x = (value: number): number => labelWidth + (Math.min(value, scaleMax) / scaleMax) * barWidth;
  const machine = `${report.machine.cpus} × ${report.machine.model}, Node ${report.machine.node}, ${report.machine.postgres}`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">userledger bench: each row against its target (1 = target met)</text>`,
    `<text x="10" y="38" fill="#555">${escape(`${report.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${machine}${report.smoke ? ', smoke sizes' : ''}${report.interrupted ? ', interrupted' : ''}`)}</text>`,
  ];
  rows.forEach(({ row, value }, i) => {
    const y = top + i * rowHeight;
    const colour = row.met === true ? '#2e7d32' : '#ef6c00';
    const note = row.ratio !== null && row.target.kind === 'ratio-at-least' ? `ratio ${row.ratio.toFixed(row.ratio < 0.1 ? 3 : 2)}` : formatFigure(row.figure);
    parts.push(
      `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${escape(row.id)}</text>`,
      `<rect x="${labelWidth}" y="${y + 4}" width="${Math.max(1, x(value) - labelWidth).toFixed(1)}" height="16" fill="${colour}"/>`,
      `<text x="${labelWidth + barWidth + 10}" y="${y + 15}">${escape(`${note}, target ${formatTarget(row.target)}`)}</text>`,
    );
  });
  const targetX = x(1).toFixed(1);
  const bottom = top + rows.length * rowHeight;
  parts.push(
    `<line x1="${targetX}" y1="${top - 4}" x2="${targetX}" y2="${bottom + 4}" stroke="#000" stroke-dasharray="4 3"/>`,
    `<text x="${targetX}" y="${bottom + 18}" text-anchor="middle">target</text>`,
    `<line x1="${labelWidth}" y1="${top - 4}" x2="${labelWidth}" y2="${bottom + 4}" stroke="#999"/>`,
    `<text x="${labelWidth}" y="${bottom + 18}" text-anchor="middle">0</text>`,
    `</svg>`,
  );
  return `${parts.join('\n')}\n`;
}
