import { randomUUID } from 'node:crypto';
import type { ServerWritableStream, ServiceError } from '@grpc/grpc-js';
import type { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { AllFilter } from './all-filter';
import { allFilterOf } from './all-filter';
import { firstIndexAtOrAfter } from './all-read';
import type { DoubleContext } from './double-context';
import { resolve } from './link-resolution';
import { readEventResponse } from './proto-mapping';
import type { ReadSource } from './read-request';
import { readSourceOf } from './read-request';
import { streamDeleted } from './rpc-errors';
import type { StoredEvent } from './stored-event';
import { visibleEvents } from './stream-metadata';

type ReadCall = ServerWritableStream<ReadReq, ReadResp>;

/** History a subscription replays before `caught_up`: start positions are exclusive (rule 18). */
function history(context: DoubleContext, source: ReadSource): readonly StoredEvent[] {
  if (source.kind === 'stream') {
    const { from } = source;
    if (from.kind === 'end') return [];
    const visible = visibleEvents(context.log, source.streamName);
    return from.kind === 'start' ? visible : visible.filter((event) => event.revision > from.revision);
  }
  const { from } = source;
  const records = context.log.all;
  if (from.kind === 'end') return [];
  if (from.kind === 'start') return records.slice();
  const index = firstIndexAtOrAfter(records, from.position);
  return records.slice(records[index]?.position === from.position ? index + 1 : index);
}

/**
 * Counts scanned records and says when a checkpoint is due, so a filter that matches nothing still advances (rule 20).
 * Like the server, catch-up and live phases count separately: going live starts a fresh count.
 */
class CheckpointClock {
  private scanned = 0;
  constructor(private readonly filter: AllFilter | undefined) {}
  tick(): boolean {
    if (!this.filter) return false;
    this.scanned += 1;
    return this.scanned % this.filter.checkpointInterval === 0;
  }
  restart(): void {
    this.scanned = 0;
  }
}

/**
 * A catch-up subscription (rules 18–22): confirmation, history, caught_up, then live records as they commit.
 * Ends on client cancellation, on a server-side drop, or with stream-deleted when its stream is tombstoned.
 */
export function subscribe(context: DoubleContext, call: ReadCall, options: ReadReq.Options): void {
  const source = readSourceOf(options);
  const resolveLinks = options.getResolveLinks();
  const filter = source.kind === 'all' ? allFilterOf(options, context.settings.checkpointIntervalEvents) : undefined;
  const clock = new CheckpointClock(filter);
  let ended = false;
  let stopListening = (): void => undefined;
  const end = (error: ServiceError | undefined): void => {
    if (ended) return;
    ended = true;
    stopListening();
    untrack();
    if (error) call.emit('error', error);
  };
  const untrack = context.openCalls.track(end, { subscription: true });
  call.on('cancelled', () => end(undefined));

  if (source.kind === 'stream' && context.log.stream(source.streamName)?.tombstone) {
    end(streamDeleted(source.streamName));
    return;
  }

  let lastCheckpoint: bigint | undefined;
  const checkpoint = (position: bigint): void => {
    // A checkpoint means "everything up to here was considered"; the server never repeats one.
    if (lastCheckpoint !== undefined && position <= lastCheckpoint) return;
    lastCheckpoint = position;
    call.write(new ReadResp().setCheckpoint(new ReadResp.Checkpoint().setCommitPosition(position.toString()).setPreparePosition(position.toString())));
  };
  const deliver = (record: StoredEvent): void => {
    if (!filter || filter.matches(record)) call.write(readEventResponse(resolve(context.log, record, resolveLinks)));
    if (clock.tick()) checkpoint(record.position);
  };

  call.write(new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID())));
  const past = history(context, source);
  for (const record of past) deliver(record);
  const lastScanned = past[past.length - 1];
  // A filtered catch-up ends with a checkpoint at the end of what it scanned, before caught_up, as the server does
  // "so that at least one checkpoint is issued within the interval"; from END there is no catch-up and no checkpoint.
  if (filter && lastScanned) checkpoint(lastScanned.position);
  clock.restart();
  call.write(new ReadResp().setCaughtUp(new ReadResp.CaughtUp()));

  // Registered synchronously after the history, so nothing committed in between can be missed.
  stopListening = context.log.subscribe((committed) => {
    for (const record of committed) {
      if (ended) return;
      if (source.kind === 'all') {
        deliver(record);
      } else if (record.streamName === source.streamName) {
        if (record === context.log.stream(source.streamName)?.tombstone) end(streamDeleted(source.streamName));
        else deliver(record);
      }
    }
  });
}
