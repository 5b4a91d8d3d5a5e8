import type { Logger } from 'pino';
import type { CommandContext } from '../shared/command-context';
import type { BodySpec, JsonSchema, ParametersSpec } from './request-validation';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

/** `required`: a live session is needed; `guest`: only callers without one (sign-up, log-in). */
export type AuthMode = 'required' | 'guest';

/** Who calls, as the application's authenticator resolves them: the kit needs only the id. */
export interface AuthenticatedCaller {
  readonly userId: string;
}

/** The other end of the request. */
export interface RequestClient {
  /** The socket's peer, or the client a trusted proxy names in X-Forwarded-For (express's `req.ip`). */
  readonly address: string;
  /** Aborts when the client goes away before its response is written: work still waiting may be dropped. */
  readonly signal: AbortSignal;
}

export interface RouteInput<B, Q, P, A extends AuthMode, C> {
  body: B;
  query: Q;
  params: P;
  caller: A extends 'required' ? C : undefined;
  /** The request headers the route declares (`requestHeaders`), by their declared names; undefined when absent. */
  headers: Readonly<Record<string, string | undefined>>;
  context: CommandContext;
  client: RequestClient;
  log: Logger;
}

export type SessionCookieChange = { set: string } | 'clear';

export type ResponseHeaders = Readonly<Record<string, string>>;

export type RouteResult =
  | { status: 200 | 201; body: unknown; cookie?: SessionCookieChange; headers?: ResponseHeaders }
  | { status: 204; cookie?: SessionCookieChange; headers?: ResponseHeaders };

export type ResponseHeaderDocs = Readonly<Record<string, { description: string; schema: JsonSchema }>>;

/** Request headers a route reads, e.g. `If-Match`: documented as header parameters, handed to `handle` as sent. */
export type RequestHeaderDocs = ResponseHeaderDocs;

export interface ResponseDoc {
  status: number;
  description: string;
  schema?: JsonSchema;
  headers?: ResponseHeaderDocs;
}

/**
 * A route as data: the same definition mounts the express handler, feeds the OpenAPI document
 * and tells the fallback which paths exist (for 405 and the trailing-slash redirect).
 */
export interface RouteShape<B, Q, P, A extends AuthMode, C> {
  method: HttpMethod;
  /** OpenAPI form, e.g. `/api/v1/users/{user_id}/password`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  auth: A;
  body?: BodySpec<B>;
  query?: ParametersSpec<Q>;
  params?: ParametersSpec<P>;
  requestHeaders?: RequestHeaderDocs;
  /** The success response first, then the errors the route documents. */
  responses: ResponseDoc[];
  handle(input: RouteInput<B, Q, P, A, C>): Promise<RouteResult>;
}

export type RouteDefinition<C = AuthenticatedCaller> = RouteShape<unknown, unknown, unknown, AuthMode, C>;

/**
 * The route factory for an application whose callers are `C`: the body, query, path and auth
 * types are inferred from the route's own specs, e.g. `const defineRoute = routesFor<Caller>()`.
 */
export function routesFor<C extends AuthenticatedCaller>() {
  return <B = undefined, Q = undefined, P = undefined, A extends AuthMode = AuthMode>(route: RouteShape<B, Q, P, A, C>): RouteDefinition<C> =>
    route as unknown as RouteDefinition<C>;
}

/** Turns a token into the caller for a route's auth mode, or throws the 401/403; may set or clear the cookie. */
export type Authenticate<C extends AuthenticatedCaller> = (
  mode: AuthMode,
  token: string | undefined,
  context: CommandContext,
  setCookie: (change: SessionCookieChange) => void,
) => Promise<C | undefined>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a class token, whatever its constructor takes (as tsyringe's)
export type Resolve = <T>(token: new (...args: any[]) => T) => T;

export const ok = (body: unknown, headers?: ResponseHeaders): RouteResult => ({ status: 200, body, ...(headers ? { headers } : {}) });
export const created = (body: unknown, headers?: ResponseHeaders): RouteResult => ({ status: 201, body, ...(headers ? { headers } : {}) });
export const noContent = (cookie?: SessionCookieChange, headers?: ResponseHeaders): RouteResult => ({
  status: 204,
  ...(cookie ? { cookie } : {}),
  ...(headers ? { headers } : {}),
});

export const LOG_POSITION_HEADER = 'X-Log-Position';
export const READ_MODEL_STALE_HEADER = 'X-Read-Model-Stale';

export function logPositionHeader(position: bigint | undefined): ResponseHeaders | undefined {
  return position === undefined ? undefined : { [LOG_POSITION_HEADER]: position.toString() };
}

export const logPositionHeaderDoc: ResponseHeaderDocs = {
  [LOG_POSITION_HEADER]: {
    description: 'Global log position of the last event this command appended (absent on a no-op); pass it as `min_position` to read your write.',
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
};
