/** The domain never reads a clock or makes ids: `now` comes from here. */
export interface CommandContext {
  /** User id of the caller, or `system:<name>` for scripts and reactions. */
  readonly actorId: string;
  readonly correlationId: string;
  /** Id of what caused this command: the request id, or the id of the event reacted to. */
  readonly causationId: string;
  readonly now: Date;
}
