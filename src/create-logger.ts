import pino from 'pino';
import type { Logger } from 'pino';

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

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'userledger' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
