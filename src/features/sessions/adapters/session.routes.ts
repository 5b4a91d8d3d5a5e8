import { errorResponse } from '../../../http/openapi';
import { logPositionHeader, logPositionHeaderDoc, noContent, ok, routesFor, type Resolve, type RouteDefinition } from '../../../http/route-definition';
import { RevokeSessionsHandler, accountErrorDocs, auditEventSchema, logInBody, userIdPath, type Caller } from '../../users';
import { LogInHandler } from '../application/log-in';
import { LogOutHandler } from '../application/log-out';
import { UserSessionHistoryHandler } from '../application/user-session-history';

const defineRoute = routesFor<Caller>();
const tags = ['account'];
const { notAuthenticated, alreadyAuthenticated, rulesBroken, tooManyAttempts } = accountErrorDocs;

const sessionHistorySchema = {
  type: 'object',
  title: 'UserSessionHistory',
  properties: {
    sessions: {
      type: 'array',
      description: 'The sessions the user started, oldest first.',
      items: {
        type: 'object',
        title: 'SessionHistoryItem',
        properties: {
          session: { type: 'string', pattern: '^[0-9a-f]{8}$', description: 'A stable handle: the first 8 hex digits of the SHA-256 of the session id, never the id itself.' },
          started_at: { type: ['string', 'null'], format: 'date-time', description: 'When log-in started it.' },
          expires_at: { type: ['string', 'null'], format: 'date-time', description: 'Its last expiry, after every extension.' },
          ended_at: { type: ['string', 'null'], format: 'date-time', description: 'When it was ended (recorded), null while it was not.' },
          end_reason: {
            type: ['string', 'null'],
            enum: ['logout', 'logout_everywhere', 'password_changed', 'password_set', 'user_deactivated', 'user_unavailable', null],
            description: 'Why it ended; null when it did not (it may still have expired).',
          },
          events: { type: 'array', items: auditEventSchema, description: 'Its started, extended and ended events, redacted.' },
        },
        required: ['session', 'started_at', 'expires_at', 'ended_at', 'end_reason', 'events'],
      },
    },
  },
  required: ['sessions'],
};

/** Starting and ending a session (`/api/v1/account/login`, `/logout`). */
export function sessionRoutes(resolve: Resolve): RouteDefinition<Caller>[] {
  const logIn = resolve(LogInHandler);
  const logOut = resolve(LogOutHandler);
  const sessionHistory = resolve(UserSessionHistoryHandler);
  const revokeSessions = resolve(RevokeSessionsHandler);
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/users/{user_id}/sessions/history',
      operationId: 'user_sessions_history',
      summary: "A user's sessions",
      description:
        "The user's sessions, each with its started, extended and ended events and the end reason; a session is named by a handle, never its id. " +
        'Which sessions a user had is read from the `user_sessions` projection (it may lag), their events from the session streams. ' +
        "The super admin reads anyone's; an admin their subordinates' and their own; a user only their own.",
      tags: ['users'],
      auth: 'required',
      params: userIdPath,
      responses: [
        { status: 200, description: "The user's sessions", schema: sessionHistorySchema },
        notAuthenticated,
        errorResponse(403, "Not authorized (`auth.not_authorized`): not the caller's own sessions nor a subordinate's, or the session's user is inactive and the cookie is cleared"),
        errorResponse(404, 'No user with this id (`user.not_found`)'),
      ],
      async handle({ params, caller }) {
        return ok(await sessionHistory.execute({ actor: { userId: caller.userId, role: caller.role }, userId: params.user_id }));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/account/login',
      operationId: 'log_in',
      summary: 'Log in',
      description: 'Open to everyone without a session. Starts a session and sets the `access_token` cookie.',
      tags,
      auth: 'guest',
      body: logInBody,
      responses: [
        {
          status: 204,
          description: 'Logged in; `Set-Cookie: access_token=<JWT>; HttpOnly; Path=/; SameSite=Lax`',
          headers: {
            'Set-Cookie': {
              description:
                'The session cookie: `access_token=<JWT>; HttpOnly; Path=/; SameSite=Lax` (`SameSite=Strict; Secure` instead when secure cookies are configured), no expiry of its own.',
              schema: { type: 'string' },
            },
            ...logPositionHeaderDoc,
          },
        },
        rulesBroken,
        errorResponse(
          401,
          'Invalid password (`auth.invalid_password`), inactive account (`auth.account_inactive`), or the session could not be started (`auth.unavailable`)',
        ),
        alreadyAuthenticated,
        errorResponse(404, 'Unknown username (`user.not_found`)'),
        errorResponse(409, 'The new session id was taken (`auth.session_exists`)'),
        tooManyAttempts,
      ],
      async handle({ body, context, client }) {
        const issued = await logIn.execute({ username: body.username, password: body.password, client }, context);
        return noContent({ set: issued.token }, logPositionHeader(issued.position));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/account/logout',
      operationId: 'log_out',
      summary: 'Log out',
      description: 'Authenticated users. Ends the current session only and clears the cookie.',
      tags,
      auth: 'required',
      responses: [
        {
          status: 204,
          description: 'Logged out; the cookie is cleared',
          headers: {
            'Set-Cookie': { description: 'Clears the session cookie: `access_token=""; HttpOnly; Max-Age=0; Path=/`.', schema: { type: 'string' } },
            ...logPositionHeaderDoc,
          },
        },
        notAuthenticated,
        errorResponse(503, 'The end of the session could not be recorded (`service.unavailable`): the session is still valid and the cookie is kept; try again'),
      ],
      async handle({ caller, context }) {
        const { position } = await logOut.execute({ caller }, context);
        return noContent('clear', logPositionHeader(position));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/account/sessions',
      operationId: 'log_out_everywhere',
      summary: 'Log out everywhere',
      description:
        "Authenticated users. Ends every session of the caller, the current one included, and clears the cookie. The end is recorded in the user's own stream, " +
        'which every request checks, so each session ends at once; each session stream gets its SessionEnded shortly after.',
      tags,
      auth: 'required',
      responses: [
        {
          status: 204,
          description: 'Logged out everywhere; the cookie is cleared',
          headers: {
            'Set-Cookie': { description: 'Clears the session cookie: `access_token=""; HttpOnly; Max-Age=0; Path=/`.', schema: { type: 'string' } },
            ...logPositionHeaderDoc,
          },
        },
        notAuthenticated,
        errorResponse(503, 'The end could not be recorded (`service.unavailable`): the sessions are still valid; try again'),
      ],
      async handle({ caller, context }) {
        const { position } = await revokeSessions.execute({ caller }, context);
        return noContent('clear', logPositionHeader(position));
      },
    }),
  ];
}
