import { Metadata, status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';

/** A gRPC status plus the `exception` trailer (and its companions) the client maps to typed errors (rule 13). */
function rpcError(code: status, details: string, trailers: Record<string, string> = {}): ServiceError {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata });
}

export const streamDeleted = (streamName: string): ServiceError =>
  rpcError(status.FAILED_PRECONDITION, `Event stream '${streamName}' is deleted.`, { exception: 'stream-deleted', 'stream-name': streamName });

// The server encodes the expectation as its ExpectedVersion constants: -1 no stream, -2 any, -4 stream exists.
export const wrongExpectedVersion = (streamName: string, expected: bigint, actual: bigint | undefined): ServiceError =>
  rpcError(status.FAILED_PRECONDITION, `Append failed due to WrongExpectedVersion. Stream: ${streamName}, Expected version: ${expected}, Actual version: ${actual ?? -1n}`, {
    exception: 'wrong-expected-version',
    'stream-name': streamName,
    'expected-version': expected.toString(),
    ...(actual === undefined ? {} : { 'actual-version': actual.toString() }),
  });

export const maximumAppendSizeExceeded = (maxAppendSize: number): ServiceError =>
  rpcError(status.INVALID_ARGUMENT, `Maximum Append Size of ${maxAppendSize} Exceeded.`, {
    exception: 'maximum-append-size-exceeded',
    'maximum-append-size': String(maxAppendSize),
  });

export const invalidArgument = (details: string): ServiceError => rpcError(status.INVALID_ARGUMENT, details);

/** A secure node's answer to an operation the caller may not perform, anonymous callers included (`$acl`). */
export const accessDenied = (): ServiceError => rpcError(status.PERMISSION_DENIED, 'Access Denied', { exception: 'access-denied' });

/**
 * A secure node answers wrong credentials before any RPC runs, with HTTP 401; grpc-js turns that into this status and
 * text on the client, which the double sends as such.
 */
export const notAuthenticated = (): ServiceError => rpcError(status.UNAUTHENTICATED, 'Received HTTP status code 401');

/** What every open call gets when the double "crashes" (stop()). */
export const serverUnavailable = (): ServiceError => rpcError(status.UNAVAILABLE, 'Server is shutting down.');

/** A server-side subscription drop without a more specific reason: the server's "too busy" answer. */
export const subscriptionDropped = (): ServiceError => rpcError(status.UNAVAILABLE, 'Server Is Too Busy');
