import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

const BODIES: Record<number, { error: string; code: string }> = {
  400: { error: 'Malformed HTTP request.', code: 'request.malformed' },
  408: { error: 'Request timed out.', code: 'request.timeout' },
  431: { error: 'Request headers are too large.', code: 'request.headers_too_large' },
};

/**
 * Requests that Node's parser refuses never reach Express; without this they get an empty
 * 400 or 431. Here they get the same machine-readable error body as everything else.
 */
export function answerClientErrorsWithJson(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const body = JSON.stringify(BODIES[status]);
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
        'Content-Type: application/json\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  });
}
