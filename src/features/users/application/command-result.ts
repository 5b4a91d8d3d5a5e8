/** What a command tells its caller: the global position of its last event, for read-your-writes. */
export interface CommandResult {
  /** Undefined when the command was a no-op and appended nothing. */
  readonly position: bigint | undefined;
}
