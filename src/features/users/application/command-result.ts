import type { StreamRevision } from '../../../shared/event-store/event-store';

/** What a command tells its caller: the global position of its last event, for read-your-writes. */
export interface CommandResult {
  /** Undefined when the command was a no-op and appended nothing. */
  readonly position: bigint | undefined;
}

/** What a write on an existing user tells its caller besides: the stream's revision after it (its ETag). */
export interface UserWriteResult extends CommandResult {
  readonly revision: StreamRevision;
}
