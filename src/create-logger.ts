import pino from 'pino';
import type { Logger } from 'pino';
import { maskSessionStreams } from './shared/session-stream-mask';

/**
 * Paths that must never reach a log line, whatever a developer passes in: passwords, tokens,
 * cookies and hashes, wherever they sit in the logged object.
 */
const REDACTED_PATHS = [
  'password',
  '*.password',
  'currentPassword',
  'newPassword',
  '*.currentPassword',
  '*.newPassword',
  'passwordHash',
  '*.passwordHash',
  'token',
  '*.token',
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  'headers.cookie',
  'headers["set-cookie"]',
];

/** Lines are gathered up to this many bytes before a write, and never held longer than FLUSH_MS. */
const BUFFER_BYTES = 4096;
const FLUSH_MS = 100;

/**
 * Standard output, written asynchronously and in batches: a request's log line never blocks the
 * event loop on a slow terminal or pipe, and a busy process makes one write for many lines
 * (pino's default is a synchronous write per line). The timer bounds how late a line can be on
 * a quiet process; pino flushes whatever is left when the process exits.
 */
function asynchronousStdout(): pino.DestinationStream {
  const destination = pino.destination({ dest: 1, sync: false, minLength: BUFFER_BYTES });
  setInterval(() => destination.flush(), FLUSH_MS).unref();
  return destination;
}

/**
 * Every line passes the session-stream mask on its way out, whatever put the id there: a
 * message, an error's message, stack or `streamName`, a database error's detail.
 */
export function createLogger(level: string, destination: pino.DestinationStream = asynchronousStdout()): Logger {
  return pino(
    {
      level,
      base: { service: 'userledger' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    { write: (line: string) => destination.write(maskSessionStreams(line)) },
  );
}
