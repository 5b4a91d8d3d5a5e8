import { sessionHandle } from '../../../shared/session-stream-mask';

/**
 * The one place that decides what of an event's data an audit reader sees. Secrets never
 * leave it: password hashes (and anything derived from the pepper), tokens and session ids.
 * A session id is replaced by a stable handle, so that a reader can still tell sessions apart.
 */

/** A stable, non-secret name for a session: the first 8 hex digits of the SHA-256 of its id. */
export { sessionHandle };

const SESSION_STREAM_PREFIX = 'session-';

/** A stream's name as an audit reader sees it: a session stream, named by its session id, by the session's handle. */
export function redactStreamName(streamName: string): string {
  if (!streamName.startsWith(SESSION_STREAM_PREFIX)) return streamName;
  return `${SESSION_STREAM_PREFIX}${sessionHandle(streamName.slice(SESSION_STREAM_PREFIX.length))}`;
}

/** Keys whose values are secrets whatever the event: dropped outright. */
const SECRET_KEY = /hash|token|secret|pepper|password|cookie/i;

/** What an audit reader sees of an event's data. Unknown events are redacted by key. */
export function redactEventData(type: string, data: unknown): Record<string, unknown> {
  const source = isRecord(data) ? data : {};
  const redacted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === 'sessionId') {
      if (typeof value === 'string') redacted['session'] = sessionHandle(value);
      continue;
    }
    if (SECRET_KEY.test(key)) continue;
    redacted[key] = isRecord(value) ? redactEventData(type, value) : value;
  }
  if (type === 'PasswordChanged') redacted['password'] = 'changed';
  if (type === 'PasswordSet') redacted['password'] = 'set';
  return redacted;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
