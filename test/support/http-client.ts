import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Express } from 'express';

export interface HttpReply {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  json: unknown;
}

export interface ValidationDetailReply {
  type: string;
  loc: Array<string | number>;
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

/** The `detail` list of a 422 reply. */
export function detailOf(reply: HttpReply): ValidationDetailReply[] {
  return (reply.json as { detail: ValidationDetailReply[] }).detail;
}

export interface RequestOptions {
  /** Sent as JSON with `content-type: application/json`. */
  json?: unknown;
  /** Sent as is; set the content type through `headers`. */
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** The `access_token` cookie value. */
  token?: string;
}

export interface TestServer {
  baseUrl: string;
  host: string;
  request(method: string, path: string, options?: RequestOptions): Promise<HttpReply>;
  close(): Promise<void>;
}

/** Serves `app` on a free port; requests never follow redirects, so 307s can be asserted. */
export async function serve(app: Express): Promise<TestServer> {
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;
  const baseUrl = `http://${host}`;
  return {
    baseUrl,
    host,
    request: requester(baseUrl),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A request function against `baseUrl` that never follows redirects. */
export function requester(baseUrl: string): TestServer['request'] {
  return async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    let body: string | Buffer | undefined = options.body;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    }
    if (options.token !== undefined) headers['cookie'] = `access_token=${options.token}`;
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body, redirect: 'manual' });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  };
}
