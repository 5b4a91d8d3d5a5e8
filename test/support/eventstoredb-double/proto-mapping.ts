import { Empty, StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { ExpectedRevision } from './expected-revision';
import type { StoredEvent } from './stored-event';

export const streamNameOf = (identifier: StreamIdentifier | undefined): string => Buffer.from(identifier?.getStreamName_asU8() ?? new Uint8Array()).toString('utf8');

export function streamIdentifier(streamName: string): StreamIdentifier {
  return new StreamIdentifier().setStreamName(Buffer.from(streamName, 'utf8'));
}

/** Ids arrive as strings (the client never sends the structured form); the structured form is decoded anyway. */
export function uuidToString(uuid: UUID | undefined): string {
  if (!uuid) return '';
  if (uuid.hasString()) return uuid.getString().toLowerCase();
  const structured = uuid.getStructured();
  if (!structured) return '';
  const hex = BigInt.asUintN(64, BigInt(structured.getMostSignificantBits())).toString(16).padStart(16, '0') + BigInt.asUintN(64, BigInt(structured.getLeastSignificantBits())).toString(16).padStart(16, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The options messages of Append/Delete/Tombstone share this oneof shape. */
interface ExpectedRevisionOneof {
  hasAny(): boolean;
  hasNoStream(): boolean;
  hasStreamExists(): boolean;
  hasRevision(): boolean;
  getRevision(): string;
}

export function expectedRevisionOf(options: ExpectedRevisionOneof): ExpectedRevision {
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  if (options.hasRevision()) return { kind: 'revision', revision: BigInt(options.getRevision()) };
  return { kind: 'any' };
}

/** The server's ExpectedVersion constants, as trailers carry them. */
export function expectedVersionNumber(expected: ExpectedRevision): bigint {
  switch (expected.kind) {
    case 'any':
      return -2n;
    case 'no_stream':
      return -1n;
    case 'stream_exists':
      return -4n;
    case 'revision':
      return expected.revision;
  }
}

function recordedEvent(event: StoredEvent): ReadResp.ReadEvent.RecordedEvent {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(new UUID().setString(event.id))
    .setStreamIdentifier(streamIdentifier(event.streamName))
    .setStreamRevision(event.revision.toString())
    .setPreparePosition(event.position.toString())
    .setCommitPosition(event.position.toString())
    .setData(event.data)
    .setCustomMetadata(event.customMetadata);
  recorded.getMetadataMap().set('type', event.type).set('content-type', event.contentType).set('created', event.created.toString());
  return recorded;
}

/** An event as read: the original record, or with link resolution the target plus the link (rule 21). */
export interface ResolvedRecord {
  readonly event: StoredEvent | undefined;
  readonly link: StoredEvent | undefined;
  /** The record whose position a consumer checkpoints: the link when there is one. */
  readonly original: StoredEvent;
}

export function readEventResponse(resolved: ResolvedRecord): ReadResp {
  const readEvent = new ReadResp.ReadEvent().setCommitPosition(resolved.original.position.toString());
  if (resolved.event) readEvent.setEvent(recordedEvent(resolved.event));
  if (resolved.link) readEvent.setLink(recordedEvent(resolved.link));
  return new ReadResp().setEvent(readEvent);
}

export const emptyMessage = (): Empty => new Empty();
