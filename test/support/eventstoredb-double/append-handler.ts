import { randomUUID } from 'node:crypto';
import type { sendUnaryData, ServerReadableStream, ServiceError } from '@grpc/grpc-js';
import { Empty } from '@eventstore/db-client/generated/shared_pb';
import type { AppendReq } from '@eventstore/db-client/generated/streams_pb';
import { AppendResp } from '@eventstore/db-client/generated/streams_pb';
import type { DoubleContext } from './double-context';
import type { CommitCheck, ExpectedRevision } from './expected-revision';
import { checkCommit } from './expected-revision';
import { expectedRevisionOf, streamNameOf, uuidToString } from './proto-mapping';
import { invalidArgument, maximumAppendSizeExceeded, streamDeleted } from './rpc-errors';
import type { ProposedEvent } from './stored-event';
import { METADATA_EVENT_TYPE, metastreamOf } from './stored-event';
import { metadataWithTruncateBefore } from './stream-metadata';

type AppendCall = ServerReadableStream<AppendReq, AppendResp>;

const success = (revision: bigint | undefined, position: bigint | undefined): AppendResp => {
  const body = new AppendResp.Success();
  if (revision === undefined) body.setNoStream(new Empty());
  else body.setCurrentRevision(revision.toString());
  if (position === undefined) body.setNoPosition(new Empty());
  else body.setPosition(new AppendResp.Position().setCommitPosition(position.toString()).setPreparePosition(position.toString()));
  return new AppendResp().setSuccess(body);
};

/** Wrong expected version travels in the response body, not as a gRPC error (rule 10). */
function wrongExpectedVersion(expected: ExpectedRevision, current: bigint | undefined): AppendResp {
  const body = new AppendResp.WrongExpectedVersion();
  if (current === undefined) body.setCurrentNoStream(new Empty());
  else body.setCurrentRevision(current.toString());
  switch (expected.kind) {
    case 'any':
      body.setExpectedAny(new Empty());
      break;
    case 'no_stream':
      body.setExpectedNoStream(new Empty());
      break;
    case 'stream_exists':
      body.setExpectedStreamExists(new Empty());
      break;
    case 'revision':
      body.setExpectedRevision(expected.revision.toString());
      break;
  }
  return new AppendResp().setWrongExpectedVersion(body);
}

function proposedEventOf(message: AppendReq.ProposedMessage): ProposedEvent {
  const metadata = message.getMetadataMap();
  return {
    id: uuidToString(message.getId()),
    type: metadata.get('type') ?? '',
    contentType: metadata.get('content-type') ?? 'application/octet-stream',
    data: message.getData_asU8(),
    customMetadata: message.getCustomMetadata_asU8(),
  };
}

/** Commits the append, or explains why not; all-or-nothing (rule 5). */
function commit(context: DoubleContext, streamName: string, expected: ExpectedRevision, events: readonly ProposedEvent[]): AppendResp | ServiceError {
  const { log } = context;
  const check: CommitCheck = checkCommit(log, streamName, expected, events.map((event) => event.id));
  switch (check.outcome) {
    case 'stream_deleted':
      return streamDeleted(streamName);
    case 'wrong_expected_version':
      return wrongExpectedVersion(expected, check.current);
    case 'idempotent':
      return success(check.lastRevision, check.position);
    case 'write': {
      const current = log.lastRevision(streamName);
      if (events.length === 0) return success(current, undefined);
      if (check.undeletes && current !== undefined) {
        // Appending to a soft-deleted stream recreates it: the server first moves `$tb` to the next revision.
        const data = metadataWithTruncateBefore(log, streamName, current + 1n);
        log.append(metastreamOf(streamName), [{ id: randomUUID(), type: METADATA_EVENT_TYPE, contentType: 'application/json', data, customMetadata: new Uint8Array() }]);
      }
      const stored = log.append(streamName, events);
      const last = stored[stored.length - 1];
      return success(last?.revision, last?.position);
    }
  }
}

/** The classic client-streaming Append: one options message, then the proposed events (rules 5–13). */
export function appendHandler(context: DoubleContext): (call: AppendCall, callback: sendUnaryData<AppendResp>) => void {
  return (call, callback) => {
    let options: AppendReq.Options | undefined;
    const events: ProposedEvent[] = [];
    let size = 0;
    let finished = false;
    const finish = (error: ServiceError | null, response?: AppendResp): void => {
      if (finished) return;
      finished = true;
      untrack();
      if (error) callback(error);
      else callback(null, response);
    };
    const untrack = context.openCalls.track((error) => finish(error), { subscription: false });
    call.on('cancelled', () => {
      finished = true;
      untrack();
    });
    call.on('data', (request: AppendReq) => {
      if (finished) return;
      if (request.hasOptions()) {
        options = request.getOptions();
        return;
      }
      const message = request.getProposedMessage();
      if (!message) return;
      const event = proposedEventOf(message);
      // Counted as servers before 24.10 count: data and user metadata bytes of the whole append (rule 12).
      size += event.data.length + event.customMetadata.length;
      if (size > context.settings.maxAppendSizeBytes) finish(maximumAppendSizeExceeded(context.settings.maxAppendSizeBytes));
      else events.push(event);
    });
    call.on('end', () => {
      if (finished) return;
      if (!options) {
        finish(invalidArgument('Append without options.'));
        return;
      }
      const streamName = streamNameOf(options.getStreamIdentifier());
      const refused = context.security?.check(context.log, call.metadata, 'write', streamName);
      if (refused) {
        finish(refused);
        return;
      }
      const result = commit(context, streamName, expectedRevisionOf(options), events);
      if (result instanceof AppendResp) finish(null, result);
      else finish(result);
    });
  };
}
