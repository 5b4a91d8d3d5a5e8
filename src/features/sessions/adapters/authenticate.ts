import type { Authenticate, AuthMode, SessionCookieChange } from '../../../http/route-definition';
import type { CommandContext } from '../../../shared/command-context';
import { NotAuthorizedError, type Caller } from '../../users';
import type { ResolveSessionHandler } from '../application/resolve-session';
import { AlreadyAuthenticatedError, NotAuthenticatedError } from '../domain/errors';

export type SessionResolver = Pick<ResolveSessionHandler, 'execute'>;

/**
 * Resolves the caller before anything else is checked (our precedence: 401/403, then 422, then
 * the handler). A renewed token goes to `setCookie` first, so it reaches the client whatever the response.
 */
export function sessionAuthenticator(resolver: SessionResolver): Authenticate<Caller> {
  return (mode, token, context, setCookie) => authenticate(mode, token, resolver, context, setCookie);
}

async function authenticate(
  mode: AuthMode,
  token: string | undefined,
  resolver: SessionResolver,
  context: CommandContext,
  setCookie: (change: SessionCookieChange) => void,
): Promise<Caller | undefined> {
  if (token === undefined) {
    if (mode === 'required') throw new NotAuthenticatedError();
    return undefined;
  }
  const resolution = await resolver.execute({ token }, context);
  switch (resolution.status) {
    case 'anonymous':
      if (mode === 'required') throw new NotAuthenticatedError();
      return undefined;
    case 'forbidden':
      setCookie('clear');
      throw new NotAuthorizedError();
    case 'authenticated':
      if (resolution.renewed) setCookie({ set: resolution.renewed.token });
      if (mode === 'guest') throw new AlreadyAuthenticatedError();
      return resolution.caller;
  }
}
