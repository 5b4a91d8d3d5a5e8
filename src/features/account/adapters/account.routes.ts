import type { ChangePasswordHandler, LogInHandler, LogOutHandler, SignUpHandler } from '..';
import { commandErrors, errorResponse } from '../../../http/openapi';
import { created, defineRoute, logPositionHeader, logPositionHeaderDoc, noContent, type RouteDefinition } from '../../../http/route-definition';
import { changePasswordBody, idResponseSchema, logInBody, signUpBody, type ChangePasswordBody, type CredentialsBody } from './account.schemas';

export interface AccountHandlers {
  signUp: Pick<SignUpHandler, 'execute'>;
  logIn: Pick<LogInHandler, 'execute'>;
  changePassword: Pick<ChangePasswordHandler, 'execute'>;
  logOut: Pick<LogOutHandler, 'execute'>;
}

const tags = ['account'];
const notAuthenticated = errorResponse(401, 'Not authenticated: no `access_token` cookie, or not a live session (`auth.not_authenticated`)');
const alreadyAuthenticated = errorResponse(
  403,
  'Already authenticated: the request carries a live session cookie (`auth.already_authenticated`), or one whose user is inactive (`auth.not_authorized`, the cookie is cleared)',
);
const rulesBroken = errorResponse(400, 'A username or password rule broken (`user.username_*`, `user.password_too_short`)');

export function accountRoutes(handlers: AccountHandlers): RouteDefinition[] {
  return [
    defineRoute<CredentialsBody, undefined, undefined, 'guest'>({
      method: 'post',
      path: '/api/v1/account/signup',
      operationId: 'sign_up',
      summary: 'Sign up',
      description: 'Open to everyone without a session. Registers a user with the role `user`; does not log in.',
      tags,
      auth: 'guest',
      body: signUpBody,
      responses: [
        { status: 201, description: 'Created', schema: idResponseSchema, headers: logPositionHeaderDoc },
        rulesBroken,
        alreadyAuthenticated,
        errorResponse(409, "Username taken: `User with 'NAME' already exists.` (`user.already_exists`)"),
        ...commandErrors,
      ],
      async handle({ body, context }) {
        const { id, position } = await handlers.signUp.execute({ username: body.username, password: body.password }, context);
        return created({ id }, logPositionHeader(position));
      },
    }),
    defineRoute<CredentialsBody, undefined, undefined, 'guest'>({
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
        const issued = await handlers.logIn.execute({ username: body.username, password: body.password }, context);
        return noContent({ set: issued.token }, logPositionHeader(issued.position));
      },
    }),
    defineRoute<ChangePasswordBody, undefined, undefined, 'required'>({
      method: 'put',
      path: '/api/v1/account/password',
      operationId: 'change_password',
      summary: 'Change own password',
      description: 'Authenticated users. The current password must be right and the new one must differ.',
      tags,
      auth: 'required',
      body: changePasswordBody,
      responses: [
        { status: 204, description: 'Password changed', headers: logPositionHeaderDoc },
        errorResponse(400, 'A password shorter than 6 (`user.password_too_short`), or the new one equals the current one (`auth.password_unchanged`)'),
        notAuthenticated,
        errorResponse(403, 'Wrong current password (`auth.invalid_password`), or the account is inactive (`auth.not_authorized`)'),
        ...commandErrors,
      ],
      async handle({ body, caller, context }) {
        const { position } = await handlers.changePassword.execute(
          { caller, currentPassword: body.current_password, newPassword: body.new_password },
          context,
        );
        return noContent(undefined, logPositionHeader(position));
      },
    }),
    defineRoute<undefined, undefined, undefined, 'required'>({
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
        const { position } = await handlers.logOut.execute({ caller }, context);
        return noContent('clear', logPositionHeader(position));
      },
    }),
  ];
}
