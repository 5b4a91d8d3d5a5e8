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

/**
 * Every line passes the session-stream mask on its way out, whatever put the id there: a
 * message, an error's message, stack or `streamName`, a database error's detail.
 */
export function createLogger(level: string, destination: pino.DestinationStream = pino.destination({ dest: 1, sync: true })): Logger {
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
