import { Command } from 'commander';
import { bySessionStart, sessionHistoryItem, sessionStreamName, type SessionHistoryItem } from '../../src/features/sessions';
import { ActorNames, toAuditEvent, userStreamName } from '../../src/features/users';
import type { EventStore, RecordedEvent } from '../../src/shared/event-store/event-store';
import { logPages, streamPages } from '../../src/shared/event-store/read-in-pages';
import { withEventStore } from './audit-store';
import { sessionSection, tableHeader, tableRow } from './history-table';
import { logProgress } from './log-progress';
import { Output } from './output';
import { findUser } from './user-argument';

const SESSION_PREFIX = sessionStreamName('');

/**
 * The user's sessions, from the log itself: the session streams are scanned for those the user
 * started (the sessions index the API uses is a projection, and may lag or be rebuilding). The
 * scan holds this user's session events only.
 */
async function sessionsOf(store: EventStore, userId: string, names: ActorNames): Promise<SessionHistoryItem[]> {
  const started = new Map<string, RecordedEvent[]>();
  const progress = logProgress('history: scanning the sessions', await store.headPosition());
  let scanned = 0;
  try {
    for await (const page of logPages(store, { filter: { streamNamePrefixes: [SESSION_PREFIX] } })) {
      for (const event of page.events) {
        const events = started.get(event.streamName);
        if (events !== undefined) events.push(event);
        else if (event.type === 'SessionStarted' && (event.data as { userId?: unknown }).userId === userId) started.set(event.streamName, [event]);
      }
      scanned += page.events.length;
      progress.page(scanned, page.lastPosition);
    }
  } finally {
    progress.stop();
  }
  const sessions: SessionHistoryItem[] = [];
  for (const [stream, events] of started) sessions.push(await sessionHistoryItem(stream.slice(SESSION_PREFIX.length), events, names));
  return sessions.sort(bySessionStart);
}

export function historyCommand(): Command {
  return new Command('history')
    .description("a user's events in stream order: when, who (and under which request), what (secrets removed)")
    .argument('<user>', 'the user id, or a username')
    .option('--json', 'one event per line as JSON (NDJSON), in the API\'s shape; sessions follow as one line each')
    .option('--include-sessions', "the user's sessions too, with their events and why each ended (scans the log's session streams)")
    .action(async (argument: string, options: { json?: boolean; includeSessions?: boolean }) => {
      const out = new Output(process.stdout);
      const json = options.json === true;
      await withEventStore(async (store) => {
        const { userId } = await findUser(store, argument);
        const names = new ActorNames(store);
        if (!json) await out.write(tableHeader());
        for await (const page of streamPages(store, userStreamName(userId))) {
          const events = await Promise.all(page.map((event) => toAuditEvent(event, names)));
          await out.write(events.map((event) => (json ? `${JSON.stringify(event)}\n` : tableRow(event))).join(''));
        }
        if (options.includeSessions !== true) return;
        for (const session of await sessionsOf(store, userId, names)) await out.write(json ? `${JSON.stringify(session)}\n` : sessionSection(session));
      });
    });
}
