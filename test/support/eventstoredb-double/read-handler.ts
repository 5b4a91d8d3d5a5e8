import type { ServerWritableStream } from '@grpc/grpc-js';
import type { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { allFilterOf } from './all-filter';
import { readAll } from './all-read';
import type { DoubleContext } from './double-context';
import { resolve } from './link-resolution';
import { readEventResponse, streamIdentifier } from './proto-mapping';
import { isBackwards, maxCountOf, readSourceOf } from './read-request';
import { invalidArgument, streamDeleted } from './rpc-errors';
import { readStream } from './stream-read';
import { subscribe } from './subscription-handler';

type ReadCall = ServerWritableStream<ReadReq, ReadResp>;

/** The Read RPC: one-off reads of a stream or $all, or (with subscription options) a catch-up subscription. */
export function readHandler(context: DoubleContext): (call: ReadCall) => void {
  return (call) => {
    const options = call.request.getOptions();
    if (!options) {
      call.emit('error', invalidArgument('Read request without options.'));
      return;
    }
    const source = readSourceOf(options);
    const refused = context.security?.check(context.log, call.metadata, 'read', source.kind === 'stream' ? source.streamName : '$all');
    if (refused) {
      call.emit('error', refused);
      return;
    }
    if (options.hasSubscription()) {
      subscribe(context, call, options);
      return;
    }
    const resolveLinks = options.getResolveLinks();
    if (source.kind === 'stream') {
      const result = readStream(context.log, source.streamName, source.from, isBackwards(options), maxCountOf(options));
      switch (result.outcome) {
        case 'deleted':
          call.emit('error', streamDeleted(source.streamName));
          return;
        case 'not_found':
          call.write(new ReadResp().setStreamNotFound(new ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(source.streamName))));
          call.end();
          return;
        case 'events':
          for (const event of result.events) call.write(readEventResponse(resolve(context.log, event, resolveLinks)));
          call.end();
          return;
      }
    }
    // A filtered read scans until maxCount records matched; maxSearchWindow only pages the scan, invisible here.
    const filter = allFilterOf(options, context.settings.checkpointIntervalEvents);
    const records = readAll(context.log, source.from, isBackwards(options), maxCountOf(options), filter?.matches ?? (() => true));
    for (const record of records) call.write(readEventResponse(resolve(context.log, record, resolveLinks)));
    call.end();
  };
}
