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
