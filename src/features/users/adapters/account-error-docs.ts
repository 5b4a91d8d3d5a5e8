import { errorResponse } from '../../../http/openapi';

// The errors the account routes of both features document alike.
export const notAuthenticated = errorResponse(401, 'Not authenticated: no `access_token` cookie, or not a live session (`auth.not_authenticated`)');
export const alreadyAuthenticated = errorResponse(
  403,
  'Already authenticated: the request carries a live session cookie (`auth.already_authenticated`), or one whose user is inactive (`auth.not_authorized`, the cookie is cleared)',
);
export const rulesBroken = errorResponse(400, 'A username or password rule broken (`user.username_*`, `user.password_too_short`)');
export const tooManyAttempts = errorResponse(
  429,
  'Too many attempts for this account or from this address (`auth.too_many_attempts`); `Retry-After` says when to try again. The same whether the username exists or not.',
);
