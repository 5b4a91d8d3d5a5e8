import { randomUUID } from 'node:crypto';
import type { Metadata, sendUnaryData, ServerUnaryCall, ServiceError } from '@grpc/grpc-js';
import type { DeleteReq, TombstoneReq } from '@eventstore/db-client/generated/streams_pb';
import { DeleteResp, TombstoneResp } from '@eventstore/db-client/generated/streams_pb';
import type { DoubleContext } from './double-context';
import { checkCommit } from './expected-revision';
import { expectedRevisionOf, expectedVersionNumber, streamNameOf } from './proto-mapping';
import { invalidArgument, streamDeleted, wrongExpectedVersion } from './rpc-errors';
import type { StoredEvent } from './stored-event';
import { DELETED_STREAM_REVISION, METADATA_EVENT_TYPE, metastreamOf } from './stored-event';
import { metadataWithTruncateBefore } from './stream-metadata';

type DeleteOptions = DeleteReq.Options | TombstoneReq.Options;

/** Shared by both deletes: the expected-revision check, then the write that deletes (rule 17). */
function deleteWith(context: DoubleContext, metadata: Metadata, options: DeleteOptions | undefined, write: (streamName: string) => StoredEvent): StoredEvent | ServiceError {
  if (!options) return invalidArgument('Delete without options.');
  const streamName = streamNameOf(options.getStreamIdentifier());
  const refused = context.security?.check(context.log, metadata, 'delete', streamName);
  if (refused) return refused;
  const expected = expectedRevisionOf(options);
  const check = checkCommit(context.log, streamName, expected, []);
  switch (check.outcome) {
    case 'stream_deleted':
      return streamDeleted(streamName);
    case 'wrong_expected_version':
      return wrongExpectedVersion(streamName, expectedVersionNumber(expected), check.current);
    case 'idempotent':
    case 'write':
      return write(streamName);
  }
}

/** Soft delete: `$tb` = long.MaxValue in the metastream; the events stay in $all until a scavenge. */
export function deleteHandler(context: DoubleContext): (call: ServerUnaryCall<DeleteReq, DeleteResp>, callback: sendUnaryData<DeleteResp>) => void {
  return (call, callback) => {
    const result = deleteWith(context, call.metadata, call.request.getOptions(), (streamName) => {
      const data = metadataWithTruncateBefore(context.log, streamName, DELETED_STREAM_REVISION);
      const [written] = context.log.append(metastreamOf(streamName), [{ id: randomUUID(), type: METADATA_EVENT_TYPE, contentType: 'application/json', data, customMetadata: new Uint8Array() }]);
      return written as StoredEvent;
    });
    if (result instanceof Error) return callback(result);
    const position = new DeleteResp.Position().setCommitPosition(result.position.toString()).setPreparePosition(result.position.toString());
    callback(null, new DeleteResp().setPosition(position));
  };
}

/** Hard delete: a `$streamDeleted` record; the name is unusable forever. */
export function tombstoneHandler(context: DoubleContext): (call: ServerUnaryCall<TombstoneReq, TombstoneResp>, callback: sendUnaryData<TombstoneResp>) => void {
  return (call, callback) => {
    const result = deleteWith(context, call.metadata, call.request.getOptions(), (streamName) => context.log.tombstone(streamName, randomUUID()));
    if (result instanceof Error) return callback(result);
    const position = new TombstoneResp.Position().setCommitPosition(result.position.toString()).setPreparePosition(result.position.toString());
    callback(null, new TombstoneResp().setPosition(position));
  };
}
