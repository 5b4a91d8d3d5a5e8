import type { Logger } from 'pino';
import type { Caller } from '../features/account';
import type { CommandContext } from '../shared/command-context';
import type { BodySpec, JsonSchema, ParametersSpec } from './request-validation';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

/** `required`: a live session is needed; `guest`: only callers without one (sign-up, log-in). */
export type AuthMode = 'required' | 'guest';

export interface RouteInput<B, Q, P, A extends AuthMode> {
  body: B;
  query: Q;
  params: P;
  caller: A extends 'required' ? Caller : undefined;
  context: CommandContext;
  log: Logger;
}

export type SessionCookieChange = { set: string } | 'clear';

/** Extra response headers, e.g. `X-Log-Position` for read-your-writes. */
export type ResponseHeaders = Readonly<Record<string, string>>;

export type RouteResult =
  | { status: 200 | 201; body: unknown; cookie?: SessionCookieChange; headers?: ResponseHeaders }
  | { status: 204; cookie?: SessionCookieChange; headers?: ResponseHeaders };

export type ResponseHeaderDocs = Readonly<Record<string, { description: string; schema: JsonSchema }>>;

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
export interface RouteShape<B, Q, P, A extends AuthMode> {
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
  /** The success response first, then the errors the route documents. */
  responses: ResponseDoc[];
  handle(input: RouteInput<B, Q, P, A>): Promise<RouteResult>;
}

export type RouteDefinition = RouteShape<unknown, unknown, unknown, AuthMode>;

export function defineRoute<B = undefined, Q = undefined, P = undefined, A extends AuthMode = AuthMode>(
  route: RouteShape<B, Q, P, A>,
): RouteDefinition {
  return route as unknown as RouteDefinition;
}

export const ok = (body: unknown, headers?: ResponseHeaders): RouteResult => ({ status: 200, body, ...(headers ? { headers } : {}) });
export const created = (body: unknown, headers?: ResponseHeaders): RouteResult => ({ status: 201, body, ...(headers ? { headers } : {}) });
export const noContent = (cookie?: SessionCookieChange, headers?: ResponseHeaders): RouteResult => ({
  status: 204,
  ...(cookie ? { cookie } : {}),
  ...(headers ? { headers } : {}),
});

export const LOG_POSITION_HEADER = 'X-Log-Position';
export const READ_MODEL_STALE_HEADER = 'X-Read-Model-Stale';

/** The global position of a command's last event; nothing when the command was a no-op. */
export function logPositionHeader(position: bigint | undefined): ResponseHeaders | undefined {
  return position === undefined ? undefined : { [LOG_POSITION_HEADER]: position.toString() };
}

/** Documents `X-Log-Position` on a command's success response. */
export const logPositionHeaderDoc: ResponseHeaderDocs = {
  [LOG_POSITION_HEADER]: {
    description: 'Global log position of the last event this command appended (absent on a no-op); pass it as `min_position` to read your write.',
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
};
