import type { SessionHistoryItem } from '../../src/features/sessions';
import type { AuditActor, AuditEvent } from '../../src/features/users';

/**
 * `audit history` as a table. The rows are written as they come (a long history is never held to
 * measure it), so the columns have fixed widths that fit their usual values; a longer value
 * pushes the rest of its row to the right.
 */
const COLUMNS = [
  { title: 'time', width: 24 },
  { title: 'rev', width: 5, right: true },
  { title: 'position', width: 20, right: true },
  { title: 'type', width: 21 },
  { title: 'actor', width: 59 },
  { title: 'correlation id', width: 36 },
  { title: 'data', width: 0 },
] as const;

export function actorText(actor: AuditActor): string {
  return 'system' in actor ? `system:${actor.system}` : `${actor.username ?? '(unknown)'} ${actor.id}`;
}

function line(cells: readonly string[]): string {
  return `${cells
    .map((cell, i) => {
      const column = COLUMNS[i];
      if (column === undefined) return cell;
      return 'right' in column ? cell.padStart(column.width) : cell.padEnd(column.width);
    })
    .join('  ')
    .trimEnd()}\n`;
}

export const tableHeader = (): string => line(COLUMNS.map((column) => column.title));

export function tableRow(event: AuditEvent): string {
  return line([event.recorded_at, event.revision, event.position, event.type, actorText(event.actor), event.correlation_id, JSON.stringify(event.data)]);
}

/** A session's summary line, then its events as rows. */
export function sessionSection(session: SessionHistoryItem): string {
  const ended = session.ended_at === null ? 'not ended' : `ended ${session.ended_at} (${session.end_reason ?? 'no reason'})`;
  const summary = `session ${session.session}: started ${session.started_at ?? '?'}, expires ${session.expires_at ?? '?'}, ${ended}\n`;
  return `\n${summary}${session.events.map(tableRow).join('')}`;
}
