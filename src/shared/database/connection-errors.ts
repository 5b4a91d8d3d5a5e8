const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
]);

/** SQLSTATEs of a server going away or refusing sessions (class 08 is matched as a prefix). */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

const MESSAGES = [
  /connection terminated/i,
  /connection (?:is )?closed/i,
  /not queryable/i,
  /timeout acquiring a connection/i,
  /timeout exceeded when trying to connect/i,
  /too many connections/i,
  /the database system is (?:starting up|shutting down)/i,
];

/**
 * True when `error` (or one of its causes) says the database is unreachable or went away,
 * as opposed to a statement that failed: the caller may answer 503 and retry later.
 */
export function isConnectionError(error: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (typeof current !== 'object') return false;
    const { code, message, name } = current as { code?: unknown; message?: unknown; name?: unknown };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_CODES.has(code) || /^08/.test(code))) return true;
    if (name === 'KnexTimeoutError') return true;
    if (typeof message === 'string' && MESSAGES.some((pattern) => pattern.test(message))) return true;
    if (current instanceof AggregateError && current.errors.some(isConnectionError)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
