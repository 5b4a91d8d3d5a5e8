import type { Response } from 'express';

/** JSON as FastAPI sends it: compact, `content-type: application/json` without a charset. */
export function sendJson(res: Response, status: number, body: unknown): void {
  const payload = Buffer.from(JSON.stringify(body));
  res.status(status);
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', payload.length);
  res.end(payload);
}

/** 204 keeps FastAPI's `content-type: application/json` and has no body. */
export function sendNoContent(res: Response): void {
  res.status(204);
  res.setHeader('Content-Type', 'application/json');
  res.end();
}
