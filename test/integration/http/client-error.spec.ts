import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { answerClientErrorsWithJson } from '../../../src/http/client-error';

/** Sends raw bytes and returns everything the server wrote before closing. */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    let reply = '';
    socket.on('data', (chunk) => (reply += chunk.toString('utf8')));
    socket.on('end', () => resolve(reply));
    socket.on('error', reject);
  });
}

describe('requests that the HTTP parser refuses', () => {
  let server: Server;
  let port: number;

  before(async () => {
    server = createServer((_req, res) => res.end('ok'));
    answerClientErrorsWithJson(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answer a broken request line with a JSON 400', async () => {
    const reply = await rawExchange(port, 'GARBAGE\r\n\r\n');
    expect(reply).to.match(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(reply).to.include('Content-Type: application/json');
    expect(reply.split('\r\n\r\n')[1]).to.equal(JSON.stringify({ error: 'Malformed HTTP request.', code: 'request.malformed' }));
  });

  it('answer headers over the limit with a JSON 431', async () => {
    const reply = await rawExchange(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(reply).to.match(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(reply.split('\r\n\r\n')[1] ?? '')).to.deep.equal({
      error: 'Request headers are too large.',
      code: 'request.headers_too_large',
    });
  });

  it('leave well-formed requests alone', async () => {
    const reply = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(reply).to.match(/^HTTP\/1\.1 200 OK/);
  });
});
