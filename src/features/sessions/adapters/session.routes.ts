import { errorResponse } from '../../../http/openapi';
import { logPositionHeader, logPositionHeaderDoc, noContent, routesFor, type Resolve, type RouteDefinition } from '../../../http/route-definition';
import { logInBody, type Caller } from '../../users';
import { LogInHandler } from '../application/log-in';
import { LogOutHandler } from '../application/log-out';

const defineRoute = routesFor<Caller>();
const tags = ['account'];

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
        { status: 204, description: 'Logged in; `Set-Cookie: access_token=<JWT>; HttpOnly; Path=/`', headers: logPositionHeaderDoc },
        errorResponse(400, 'Username or password rules broken'),
        errorResponse(401, 'Invalid password, or inactive account'),
        errorResponse(403, 'Already authenticated'),
        errorResponse(404, 'Unknown username'),
        errorResponse(503, 'Service unavailable'),
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
      responses: [{ status: 204, description: 'Logged out; the cookie is cleared', headers: logPositionHeaderDoc }, errorResponse(401, 'Not authenticated')],
      async handle({ caller, context }) {
        const { position } = await logOut.execute({ caller }, context);
        return noContent('clear', logPositionHeader(position));
      },
    }),
  ];
}
