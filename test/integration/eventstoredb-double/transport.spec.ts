import { expect } from 'chai';
import { credentials, status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { jsonEvent } from '@eventstore/db-client';
import { GossipClient } from '@eventstore/db-client/generated/gossip_grpc_pb';
import { ServerFeaturesClient } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { Empty, UUID } from '@eventstore/db-client/generated/shared_pb';
import { StreamsClient } from '@eventstore/db-client/generated/streams_grpc_pb';
import { BatchAppendReq, ReadReq } from '@eventstore/db-client/generated/streams_pb';
import type { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { againstTheDouble, aStreamName, aUniqueType, readStreamEvents, useEventStore } from './harness';

const statusOf = (call: (done: (error: ServiceError | null) => void) => void): Promise<status | undefined> =>
  new Promise((resolve) => call((error) => resolve(error?.code)));

// Only the double can promise what it does not serve; a real server implements all of these.
if (againstTheDouble) {
  describe('EventStoreDB double: transport', () => {
    const target = useEventStore();
    const address = (): string => `127.0.0.1:${target.double?.port}`;

    describe('rule 23: ServerFeatures answers UNIMPLEMENTED and the client falls back to the classic Append', () => {
      it('answers GetSupportedMethods with UNIMPLEMENTED', async () => {
        const features = new ServerFeaturesClient(address(), credentials.createInsecure());
        try {
          expect(await statusOf((done) => features.getSupportedMethods(new Empty(), done))).to.equal(status.UNIMPLEMENTED);
        } finally {
          features.close();
        }
      });

      it('does not serve BatchAppend, yet the client appends (so it used the classic Append)', async () => {
        const streams = new StreamsClient(address(), credentials.createInsecure());
        try {
          const code = await new Promise<status>((resolve) => {
            const call = streams.batchAppend();
            call.on('error', (error: ServiceError) => resolve(error.code));
            call.on('data', () => undefined);
            call.write(new BatchAppendReq().setCorrelationId(new UUID().setString('00000000-0000-4000-8000-000000000000')).setIsFinal(true));
          });
          expect(code).to.equal(status.UNIMPLEMENTED);
        } finally {
          streams.close();
        }
        const stream = aStreamName();
        await target.client.appendToStream(stream, [jsonEvent({ type: 'A', data: {} }), jsonEvent({ type: 'B', data: {} })]);
        expect((await readStreamEvents(target.client, stream)).length).to.equal(2);
      });
    });

    describe('rule 24: a single-node connection string needs only Streams', () => {
      it('works over esdb://host:port?tls=false although Gossip is not served', async () => {
        expect(target.double?.connectionString).to.equal(`esdb://127.0.0.1:${target.double?.port}?tls=false`);
        const gossip = new GossipClient(address(), credentials.createInsecure());
        try {
          expect(await statusOf((done) => gossip.read(new Empty(), done))).to.equal(status.UNIMPLEMENTED);
        } finally {
          gossip.close();
        }
        const stream = aStreamName();
        await target.client.appendToStream(stream, jsonEvent({ type: 'A', data: {} }));
        expect((await readStreamEvents(target.client, stream)).length).to.equal(1);
      });
    });

    describe('rule 20: a filtered $all Read (which the Node client cannot send) returns the first maxCount matches', () => {
      it('filters a one-off $all read by event-type prefix', async () => {
        const type = aUniqueType();
        const stream = aStreamName();
        await target.client.appendToStream(stream, [jsonEvent({ type: `${type}1`, data: {} }), jsonEvent({ type: 'Other', data: {} }), jsonEvent({ type: `${type}2`, data: {} }), jsonEvent({ type: `${type}3`, data: {} })]);
        const streams = new StreamsClient(address(), credentials.createInsecure());
        const filter = new ReadReq.Options.FilterOptions().setEventType(new ReadReq.Options.FilterOptions.Expression().setPrefixList([type])).setCount(new Empty()).setCheckpointintervalmultiplier(1);
        const options = new ReadReq.Options()
          .setAll(new ReadReq.Options.AllOptions().setStart(new Empty()))
          .setReadDirection(0)
          .setCount('2')
          .setFilter(filter)
          .setUuidOption(new ReadReq.Options.UUIDOption().setString(new Empty()));
        try {
          const types = await new Promise<string[]>((resolve, reject) => {
            const seen: string[] = [];
            const call = streams.read(new ReadReq().setOptions(options));
            call.on('data', (response: ReadResp) => seen.push(response.getEvent()?.getEvent()?.getMetadataMap().get('type') ?? '?'));
            call.on('error', reject);
            call.on('end', () => resolve(seen));
          });
          expect(types).to.deep.equal([`${type}1`, `${type}2`]);
        } finally {
          streams.close();
        }
      });
    });
  });
}
