import { errorResponse } from '../../../http/openapi';
import { logPositionHeader, logPositionHeaderDoc, noContent, routesFor, type Resolve, type RouteDefinition } from '../../../http/route-definition';
import { accountErrorDocs, logInBody, type Caller } from '../../users';
import { LogInHandler } from '../application/log-in';
import { LogOutHandler } from '../application/log-out';

const defineRoute = routesFor<Caller>();
const tags = ['account'];
const { notAuthenticated, alreadyAuthenticated, rulesBroken } = accountErrorDocs;

/** Starting and ending a session (`/api/v1/account/login`, `/logout`). */
export function sessionRoutes(resolve: Resolve): RouteDefinition<Caller>[] {
  const logIn = resolve(LogInHandler);
  const logOut = resolve(LogOutHandler);
  return [
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
          description: 'Logged in; `Set-Cookie: access_token=<JWT>; HttpOnly; Path=/`',
          headers: {
            'Set-Cookie': {
              description:
                'The session cookie: `access_token=<JWT>; HttpOnly; Path=/` (with `SameSite=Strict; Secure` when secure cookies are configured), no expiry of its own.',
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
      ],
      async handle({ body, context }) {
        const issued = await logIn.execute({ username: body.username, password: body.password }, context);
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
      ],
      async handle({ caller, context }) {
        const { position } = await logOut.execute({ caller }, context);
        return noContent('clear', logPositionHeader(position));
      },
    }),
  ];
}
