/** One record of the double's log, as EventStoreDB keeps it: revision in its stream, position in $all. */
export interface StoredEvent {
  readonly streamName: string;
  /** 0-based; a tombstone carries TOMBSTONE_REVISION like the server's `$streamDeleted` record. */
  readonly revision: bigint;
  /** Commit = prepare = this position (gRPC appends are self-committing). */
  readonly position: bigint;
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  /** .NET ticks (100 ns) since the Unix epoch, as the server sends `created`. */
  readonly created: bigint;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
}

/** What an append proposes before the log assigns revision, position and time. */
export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
}

/** The server's EventNumber.DeletedStream (long.MaxValue): a tombstone's revision and a soft delete's `$tb`. */
export const DELETED_STREAM_REVISION = 9_223_372_036_854_775_807n;

export const metastreamOf = (streamName: string): string => `$$${streamName}`;

export const LINK_EVENT_TYPE = '$>';
export const METADATA_EVENT_TYPE = '$metadata';
export const TOMBSTONE_EVENT_TYPE = '$streamDeleted';

const TICKS_PER_MILLISECOND = 10_000n;
export const ticksNow = (): bigint => BigInt(Date.now()) * TICKS_PER_MILLISECOND;
export const ticksToMilliseconds = (ticks: bigint): number => Number(ticks / TICKS_PER_MILLISECOND);
