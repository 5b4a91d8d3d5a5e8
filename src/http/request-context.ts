import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';

/** A client's id is kept when it is short visible ASCII; anything else could forge log lines. */
const SANE_REQUEST_ID = /^[\x21-\x7e]{1,200}$/;

interface RequestLocals {
  requestId: string;
  log: Logger;
}

/** The access log has method, path, status and duration only: never bodies, query strings, cookies or tokens. */
export function requestContext(root: Logger): RequestHandler {
  return (req, res, next) => {
    const offered = req.get('x-request-id');
    const requestId = offered !== undefined && SANE_REQUEST_ID.test(offered) ? offered : randomUUID();
    // The request's child logger is made only when something logs through it: most requests log
    // nothing but their access line, which needs no child.
    let log: Logger | undefined;
    const locals: RequestLocals = {
      requestId,
      get log(): Logger {
        log ??= root.child({ requestId });
        return log;
      },
    };
    Object.defineProperties(res.locals, Object.getOwnPropertyDescriptors(locals));
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    const path = req.originalUrl.split('?')[0];
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      root.info({ requestId, method: req.method, path, status: res.statusCode, durationMs: Math.round(durationMs * 10) / 10 }, 'request completed');
    });
    next();
  };
}

export function requestIdOf(res: Response): string {
  return (res.locals as Partial<RequestLocals>).requestId ?? randomUUID();
}

export function requestLogOf(res: Response, fallback: Logger): Logger {
  return (res.locals as Partial<RequestLocals>).log ?? fallback;
}
