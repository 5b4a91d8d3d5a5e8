import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { appendHandler } from './append-handler';
import { deleteHandler, tombstoneHandler } from './delete-handlers';
import type { DoubleContext } from './double-context';
import { readHandler } from './read-handler';
import { serverUnavailable } from './rpc-errors';

/** The CA file a client of a secure double trusts (the node's certificate, for 127.0.0.1 and localhost, is signed by it). */
export const TEST_CA_FILE = path.join(__dirname, 'tls', 'ca.crt');

// A secure node serves TLS only; the client sends credentials over TLS only (it drops them on an insecure channel).
function tlsCredentials(): ServerCredentials {
  const read = (name: string): Buffer => readFileSync(path.join(__dirname, 'tls', name));
  return ServerCredentials.createSsl(null, [{ private_key: read('node.key'), cert_chain: read('node.crt') }], false);
}

/**
 * One incarnation of the gRPC server over the shared context. Only Streams is registered: without ServerFeatures the
 * client sees UNIMPLEMENTED and sticks to the classic Append (rules 23, 24); BatchAppend answers UNIMPLEMENTED too.
 */
export class GrpcServerIncarnation {
  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly context: DoubleContext,
  ) {}

  static async listen(context: DoubleContext, host: string, port: number): Promise<GrpcServerIncarnation> {
    const server = new Server();
    const { batchAppend: _notServed, ...classic } = StreamsService;
    server.addService(classic, {
      read: readHandler(context),
      append: appendHandler(context),
      delete: deleteHandler(context),
      tombstone: tombstoneHandler(context),
    });
    const bound = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${host}:${port}`, context.security ? tlsCredentials() : ServerCredentials.createInsecure(), (error, boundPort) => (error ? reject(error) : resolve(boundPort)));
    });
    return new GrpcServerIncarnation(server, bound, context);
  }

  /** As a crash: open calls end UNAVAILABLE, connections drop, the port is released. */
  async kill(): Promise<void> {
    this.context.openCalls.failAll(serverUnavailable);
    // A graceful shutdown lets the statuses reach the client before the connections go; the timer bounds it.
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, 250);
      this.server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }
}
