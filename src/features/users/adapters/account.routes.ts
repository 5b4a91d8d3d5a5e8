import { commandErrors, errorResponse } from '../../../http/openapi';
import { created, logPositionHeader, logPositionHeaderDoc, noContent, routesFor, type Resolve, type RouteDefinition } from '../../../http/route-definition';
import { ChangePasswordHandler } from '../application/change-password';
import { SignUpHandler } from '../application/sign-up';
import type { Caller } from '../domain/roles';
import { alreadyAuthenticated, notAuthenticated, rulesBroken, tooManyAttempts } from './account-error-docs';
import { changePasswordBody, idResponseSchema, signUpBody } from './account.schemas';

const defineRoute = routesFor<Caller>();
const tags = ['account'];

/** The caller's own account: sign-up and the own password (`/api/v1/account/...`). */
export function accountRoutes(resolve: Resolve): RouteDefinition<Caller>[] {
  const signUp = resolve(SignUpHandler);
  const changePassword = resolve(ChangePasswordHandler);
  return [
    defineRoute({
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
        tooManyAttempts,
        ...commandErrors,
      ],
      async handle({ body, context, client }) {
        const { id, position } = await signUp.execute({ username: body.username, password: body.password, client }, context);
        return created({ id }, logPositionHeader(position));
      },
    }),
    defineRoute({
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
        tooManyAttempts,
        ...commandErrors,
      ],
      async handle({ body, caller, context, client }) {
        const { position } = await changePassword.execute(
          { caller, currentPassword: body.current_password, newPassword: body.new_password, client },
          context,
        );
        return noContent(undefined, logPositionHeader(position));
      },
    }),
  ];
}
