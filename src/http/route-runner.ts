import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../shared/clock';
import type { CommandContext } from '../shared/command-context';
import { sendJson, sendNoContent } from './json-response';
import { decodeBody } from './request-body';
import { requestIdOf, requestLogOf } from './request-context';
import { validateBody, validateParameters, type Validated } from './request-validation';
import { RequestValidationError, type ValidationDetail } from './request-validation-error';
import type { Authenticate, AuthenticatedCaller, RequestClient, RouteDefinition, SessionCookieChange } from './route-definition';
import { clearedSessionCookie, readSessionToken, sessionCookie, type CookieSettings } from './session-cookie';

export interface RouteEnvironment<C extends AuthenticatedCaller> {
  authenticate: Authenticate<C>;
  clock: Clock;
  cookies: CookieSettings;
  bodyLimitBytes: number;
  logger: Logger;
}

export function toExpressPath(openApiPath: string): string {
  return openApiPath.replace(/\{(\w+)\}/g, ':$1');
}

export function mountRoutes<C extends AuthenticatedCaller>(router: Router, routes: readonly RouteDefinition<C>[], env: RouteEnvironment<C>): void {
  // Bodies are read raw and decoded later, after authentication, so that a 401 wins over a 422.
  const readBody = express.raw({ type: () => true, limit: env.bodyLimitBytes });
  for (const route of routes) {
    const handlers: RequestHandler[] = route.body ? [readBody, runner(route, env)] : [runner(route, env)];
    router[route.method](toExpressPath(route.path), ...handlers);
  }
}

function runner<C extends AuthenticatedCaller>(route: RouteDefinition<C>, env: RouteEnvironment<C>): RequestHandler {
  return async (req, res) => {
    const requestId = requestIdOf(res);
    const log = requestLogOf(res, env.logger);
    const setCookie = (change: SessionCookieChange): void => {
      res.setHeader('Set-Cookie', change === 'clear' ? clearedSessionCookie() : sessionCookie(change.set, env.cookies));
    };
    const anonymous: CommandContext = { actorId: 'anonymous', correlationId: requestId, causationId: requestId, now: env.clock.now() };
    const token = readSessionToken(req.headers.cookie);
    const caller = await env.authenticate(route.auth, token, anonymous, setCookie);
    const context = caller ? { ...anonymous, actorId: caller.userId } : anonymous;

    const decoded = route.body ? decodeBody(req.body, req.headers['content-type']) : undefined;
    const errors: ValidationDetail[] = [];
    const collect = <T>(result: Validated<T>): T => {
      errors.push(...result.errors);
      return result.value;
    };
    const params = route.params ? collect(validateParameters(route.params, req.params)) : undefined;
    const query = route.query ? collect(validateParameters(route.query, req.query as Record<string, unknown>)) : undefined;
    const body = route.body && decoded ? collect(validateBody(route.body, decoded)) : undefined;
    if (errors.length > 0) throw new RequestValidationError(errors);

    const headers = Object.fromEntries(Object.keys(route.requestHeaders ?? {}).map((name) => [name, req.get(name)]));
    const result = await route.handle({ body, query, params, caller, headers, context, client: requestClient(req, res), log });
    if (result.cookie) setCookie(result.cookie);
    for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
    if (result.status === 204) sendNoContent(res);
    else sendJson(res, result.status, result.body);
  };
}

function requestClient(req: Request, res: Response): RequestClient {
  const gone = new AbortController();
  // 'close' before the response finished: the connection went away under the request.
  res.once('close', () => {
    if (!res.writableFinished) gone.abort();
  });
  if (req.socket.destroyed) gone.abort();
  const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
  return { address: address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address, signal: gone.signal };
}
