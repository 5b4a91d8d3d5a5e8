import type { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import type { PositionStart } from './all-read';
import { streamNameOf } from './proto-mapping';
import type { RevisionStart } from './stream-read';

/** A Read request decoded into what the double needs: which source, where to start, and how. */
export type ReadSource = { readonly kind: 'stream'; readonly streamName: string; readonly from: RevisionStart } | { readonly kind: 'all'; readonly from: PositionStart };

export function readSourceOf(options: ReadReq.Options): ReadSource {
  if (options.hasStream()) {
    const stream = options.getStream() as ReadReq.Options.StreamOptions;
    const streamName = streamNameOf(stream.getStreamIdentifier());
    if (stream.hasRevision()) return { kind: 'stream', streamName, from: { kind: 'revision', revision: BigInt(stream.getRevision()) } };
    return { kind: 'stream', streamName, from: stream.hasEnd() ? { kind: 'end' } : { kind: 'start' } };
  }
  const all = options.getAll();
  if (all?.hasPosition()) return { kind: 'all', from: { kind: 'position', position: BigInt((all.getPosition() as ReadReq.Options.Position).getCommitPosition()) } };
  return { kind: 'all', from: all?.hasEnd() ? { kind: 'end' } : { kind: 'start' } };
}

// ReadDirection.Backwards in the protocol.
export const isBackwards = (options: ReadReq.Options): boolean => options.getReadDirection() === 1;

export const maxCountOf = (options: ReadReq.Options): bigint => (options.hasCount() ? BigInt(options.getCount()) : BigInt(Number.MAX_SAFE_INTEGER));
