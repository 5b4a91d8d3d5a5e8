import { ActivateUserHandler } from '../application/activate-user';
import { CreateUserHandler } from '../application/create-user';
import { DeactivateUserHandler } from '../application/deactivate-user';
import { GrantAdminHandler } from '../application/grant-admin';
import { ListUsersHandler } from '../application/list-users';
import { RevokeAdminHandler } from '../application/revoke-admin';
import { SetUserPasswordHandler } from '../application/set-user-password';
import { UserHistoryHandler } from '../application/user-history';
import { UserStateHandler } from '../application/user-state';
import { etagHeader, etagHeaderDoc, ifMatchHeaderDoc, IF_MATCH_HEADER, revisionsOfIfMatch } from '../../../http/etag';
import { statePointOf } from './state-point';
import type { Actor, Caller } from '../domain/roles';
import { commandErrors, errorResponse } from '../../../http/openapi';
import { RequestValidationError } from '../../../http/request-validation-error';
import { notAuthenticated, tooManyAttempts } from './account-error-docs';
import {
  READ_MODEL_STALE_HEADER,
  created,
  routesFor,
  logPositionHeader,
  logPositionHeaderDoc,
  noContent,
  ok,
  type Resolve,
  type RouteDefinition,
} from '../../../http/route-definition';
import {
  MAX_LOG_POSITION,
  createUserBody,
  listUsersQuery,
  setPasswordBody,
  createdUserSchema,
  historyQuery,
  userHistoryResponseSchema,
  userIdPath,
  userListResponseSchema,
  userStateQuery,
  userStateSchema,
} from './user.schemas';

const defineRoute = routesFor<Caller>();
const tags = ['users'];
const actorOf = (caller: Caller): Actor => ({ userId: caller.userId, role: caller.role });
const authErrors = [
  notAuthenticated,
  errorResponse(
    403,
    "Not authorized (`auth.not_authorized`): the caller may not do this (not an admin, or the target is not a subordinate), or the session's user is inactive and the cookie is cleared",
  ),
];
const notFound = errorResponse(404, 'No user with this id (`user.not_found`)');
/** What `If-Match` adds to every write on a user. */
const conditionErrors = [
  errorResponse(400, 'A malformed `If-Match` (`request.invalid_if_match`)'),
  errorResponse(412, 'The user has changed since the revision `If-Match` names, or a concurrent write won the race (`user.revision_mismatch`)'),
];
const targetErrors = [...authErrors, notFound, ...conditionErrors, ...commandErrors];
/** Granting and revoking admin: super admins only, and never on a super admin. */
const roleChangeErrors = [
  notAuthenticated,
  errorResponse(
    403,
    "Not authorized (`auth.not_authorized`): the caller is not a super admin, or the session's user is inactive and the cookie is cleared; " +
      'or the target is a super admin (`user.role_change_not_permitted`)',
  ),
  notFound,
  ...conditionErrors,
  ...commandErrors,
];

/** A write's headers: where its last event went (absent on a no-op) and the user's revision after it. */
const writeHeaders = ({ position, revision }: { position: bigint | undefined; revision: bigint }) => ({ ...logPositionHeader(position), ...etagHeader(revision) });
const writeHeaderDocs = { ...logPositionHeaderDoc, ...etagHeaderDoc };

type TargetHandler = Pick<GrantAdminHandler, 'execute'>;

const staleHeaderDoc = {
  [READ_MODEL_STALE_HEADER]: {
    description:
      '`true` when `min_position` was given and the users read model had not passed it within the bounded wait: the page may miss that write. Absent otherwise.',
    schema: { type: 'string', const: 'true' },
  },
};

/** The schema checked the digits; the 64-bit bound needs a bigint, so it is checked here. */
function parseMinPosition(text: string): bigint {
  const position = BigInt(text);
  if (position <= MAX_LOG_POSITION) return position;
  const le = MAX_LOG_POSITION.toString();
  throw new RequestValidationError([
    { type: 'less_than_equal', loc: ['query', 'min_position'], msg: `Input should be less than or equal to ${le}`, input: text, ctx: { le } },
  ]);
}

/** The five `/users/{user_id}/...` commands that take nothing but the target. */
function targetCommand(method: 'put' | 'delete', path: string, operationId: string, summary: string, handler: TargetHandler) {
  return defineRoute({
    method,
    path: `/api/v1/users/{user_id}/${path}`,
    operationId,
    summary,
    tags,
    auth: 'required',
    params: userIdPath,
    requestHeaders: ifMatchHeaderDoc,
    responses: [
      { status: 204, description: 'Done (also when nothing had to change)', headers: writeHeaderDocs },
      ...(path === 'roles/admin' ? roleChangeErrors : targetErrors),
    ],
    async handle({ params, headers, caller, context }) {
      const expectedRevisions = revisionsOfIfMatch(headers[IF_MATCH_HEADER]);
      const result = await handler.execute({ actor: actorOf(caller), userId: params.user_id, expectedRevisions }, context);
      return noContent(undefined, writeHeaders(result));
    },
  });
}

/** User administration (`/api/v1/users/...`). */
export function userRoutes(resolve: Resolve): RouteDefinition<Caller>[] {
  const createUser = resolve(CreateUserHandler);
  const listUsers = resolve(ListUsersHandler);
  const setUserPassword = resolve(SetUserPasswordHandler);
  const userHistory = resolve(UserHistoryHandler);
  const userState = resolve(UserStateHandler);
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/users/',
      operationId: 'create_user',
      summary: 'Create a user',
      description: 'Admins create users; super admins also admins. Nobody creates a super admin.',
      tags,
      auth: 'required',
      body: createUserBody,
      responses: [
        { status: 201, description: 'Created', schema: createdUserSchema, headers: logPositionHeaderDoc },
        errorResponse(400, 'A username or password rule broken (`user.username_*`, `user.password_too_short`)'),
        ...authErrors,
        errorResponse(409, "Username taken: `User with 'NAME' already exists.` (`user.already_exists`)"),
        ...commandErrors,
      ],
      async handle({ body, caller, context }) {
        const { id, position } = await createUser.execute(
          { actor: actorOf(caller), username: body.username, password: body.password, role: body.role },
          context,
        );
        return created({ id }, logPositionHeader(position));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/users/',
      operationId: 'list_users',
      summary: 'List users',
      description: 'Admins and super admins. Inactive users included; `next_cursor` is additive.',
      tags,
      auth: 'required',
      query: listUsersQuery,
      responses: [
        { status: 200, description: 'A page of users', schema: userListResponseSchema, headers: staleHeaderDoc },
        errorResponse(400, 'Unknown sorting field (`users.invalid_sorting_field`), or a cursor not made by this service or for another sorting (`users.invalid_cursor`)'),
        ...authErrors,
      ],
      async handle({ query, caller, client }) {
        const minPosition = query.min_position === undefined ? undefined : parseMinPosition(query.min_position);
        const page = await listUsers.execute({
          actor: actorOf(caller),
          signal: client.signal,
          ...(minPosition !== undefined ? { minPosition } : {}),
          limit: query.limit,
          offset: query.offset,
          sortingField: query.sorting_field,
          sortingOrder: query.sorting_order,
          ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
        });
        const body = { users: page.users, total: page.total, next_cursor: page.nextCursor };
        return ok(body, page.stale ? { [READ_MODEL_STALE_HEADER]: 'true' } : undefined);
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/v1/users/{user_id}/password',
      operationId: 'set_user_password',
      summary: "Set a subordinate's password",
      description: 'Admins for users, super admins for admins and users. The body is a bare JSON string.',
      tags,
      auth: 'required',
      params: userIdPath,
      body: setPasswordBody,
      requestHeaders: ifMatchHeaderDoc,
      responses: [
        { status: 204, description: 'Password set', headers: writeHeaderDocs },
        errorResponse(400, 'Password too short (`user.password_too_short`)'),
        ...targetErrors,
        tooManyAttempts,
      ],
      async handle({ params, body, headers, caller, context, client }) {
        const expectedRevisions = revisionsOfIfMatch(headers[IF_MATCH_HEADER]);
        const input = { actor: actorOf(caller), userId: params.user_id, password: body, expectedRevisions, client };
        return noContent(undefined, writeHeaders(await setUserPassword.execute(input, context)));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/users/{user_id}/history',
      operationId: 'user_history',
      summary: "A user's history",
      description:
        "The user's events in order, read from their stream (never a projection), each with who did it, when and why, its data redacted. " +
        'The super admin reads anyone\'s; an admin their subordinates\' and their own; a user only their own.',
      tags,
      auth: 'required',
      params: userIdPath,
      query: historyQuery,
      responses: [
        { status: 200, description: 'A page of the history', schema: userHistoryResponseSchema },
        notAuthenticated,
        errorResponse(403, "Not authorized (`auth.not_authorized`): not the caller's own history nor a subordinate's, or the session's user is inactive and the cookie is cleared"),
        notFound,
      ],
      async handle({ params, query, caller }) {
        const page = await userHistory.execute({
          actor: actorOf(caller),
          userId: params.user_id,
          limit: query.limit,
          offset: query.offset,
          ...(query.cursor !== undefined ? { cursor: BigInt(query.cursor) } : {}),
        });
        return ok({ events: page.events, total: page.total, next_cursor: page.nextCursor });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/users/{user_id}',
      operationId: 'get_user',
      summary: 'A user, now or as of a moment',
      description:
        "The user folded from their own stream (strongly consistent: every write before the request, never a projection), in the list's shape, " +
        'with `ETag` of the revision folded. `as_of` or `as_of_revision` fold only up to that point. ' +
        "Who may read as for the history: the super admin anyone; an admin their subordinates and themselves; a user only themselves.",
      tags,
      auth: 'required',
      params: userIdPath,
      query: userStateQuery,
      responses: [
        { status: 200, description: 'The user', schema: userStateSchema, headers: etagHeaderDoc },
        notAuthenticated,
        errorResponse(403, "Not authorized (`auth.not_authorized`): not the caller themselves nor a subordinate, or the session's user is inactive and the cookie is cleared"),
        errorResponse(
          404,
          'No user with this id (`user.not_found`); or not yet created at `as_of` (`user.not_yet_created`); or `as_of_revision` past the latest revision (`user.revision_not_found`)',
        ),
      ],
      async handle({ params, query, caller }) {
        const at = statePointOf(query);
        const { user, revision } = await userState.execute({ actor: actorOf(caller), userId: params.user_id, ...(at ? { at } : {}) });
        return ok(user, etagHeader(revision));
      },
    }),
    targetCommand('put', 'roles/admin', 'grant_admin', 'Grant admin (super admins only)', resolve(GrantAdminHandler)),
    targetCommand('delete', 'roles/admin', 'revoke_admin', 'Revoke admin (super admins only)', resolve(RevokeAdminHandler)),
    targetCommand('put', 'activation', 'activate_user', 'Activate a subordinate', resolve(ActivateUserHandler)),
    targetCommand('delete', 'activation', 'deactivate_user', 'Deactivate a subordinate (ends all their sessions)', resolve(DeactivateUserHandler)),
  ];
}
