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

export type RouteResult =
  | { status: 200 | 201; body: unknown; cookie?: SessionCookieChange }
  | { status: 204; cookie?: SessionCookieChange };

export interface ResponseDoc {
  status: number;
  description: string;
  schema?: JsonSchema;
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

export const ok = (body: unknown): RouteResult => ({ status: 200, body });
export const created = (body: unknown): RouteResult => ({ status: 201, body });
export const noContent = (cookie?: SessionCookieChange): RouteResult => (cookie ? { status: 204, cookie } : { status: 204 });
