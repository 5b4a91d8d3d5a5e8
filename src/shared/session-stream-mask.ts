import { createHash } from 'node:crypto';

/**
 * A session id is the key to a live session (its stream holds it), so it never reaches a log
 * line or an error message: `session-<id>` becomes `session-#<handle>`, the handle being the
 * first 8 hex digits of the id's SHA-256, the same the audit routes name a session by.
 */
export function sessionHandle(sessionId: string): string {
  return createHash('sha256').update(sessionId, 'utf8').digest('hex').slice(0, 8);
}

const SESSION_STREAM = /(?<![A-Za-z0-9_-])session-([A-Za-z0-9_-]+)/g;

export function maskSessionStreams(text: string): string {
  return text.includes('session-') ? text.replace(SESSION_STREAM, (_match, id: string) => `session-#${sessionHandle(id)}`) : text;
}

const SESSION_STREAM_PREFIX = 'session-';

/**
 * How audit documents kept outside the system (an anchor) name a session stream: by the whole
 * SHA-256 of its id, `session-#<64 hex digits>`, unique where the 8-digit handle would collide
 * among a million sessions, and no more a key to the session than the handle is. Any other
 * stream keeps its name.
 */
export function sessionStreamDigestName(streamName: string): string {
  if (!streamName.startsWith(SESSION_STREAM_PREFIX) || isSessionStreamDigestName(streamName)) return streamName;
  const id = streamName.slice(SESSION_STREAM_PREFIX.length);
  return `${SESSION_STREAM_PREFIX}#${createHash('sha256').update(id, 'utf8').digest('hex')}`;
}

/** Whether a name is a digest name, which only a walk of the log can turn back into a stream. */
export function isSessionStreamDigestName(name: string): boolean {
  return name.startsWith(`${SESSION_STREAM_PREFIX}#`);
}
