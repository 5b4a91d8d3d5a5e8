/** Exit codes of `npm run audit`: the answer was given, the thing asked about is not there, the question could not be answered. */
export const EXIT_OK = 0;
export const EXIT_NOT_FOUND = 1;
export const EXIT_USAGE = 2;

/** Misuse: a bad argument or option, an --out that cannot be written. Exit 2. */
export class UsageError extends Error {}

/** What was asked about does not exist (a user, a revision, a state at that time). Exit 1. */
export class NotFoundError extends Error {}

/** One line for any failure: the message and its causes, never a stack. */
export function oneLine(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    const message = current instanceof Error ? current.message : String(current);
    const trimmed = message.trim().replace(/\s+[A-Z][\w ]*:$/, '').replace(/\.$/, '');
    if (trimmed !== '' && !parts.some((part) => part.includes(trimmed))) parts.push(trimmed);
    current = current instanceof Error ? current.cause : undefined;
  }
  const text = (parts.join(': ') || 'failed').replace(/\s*\n\s*/g, ' ');
  return /[.?!]$/.test(text) ? text : `${text}.`;
}
