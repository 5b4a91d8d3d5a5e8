import { injectable } from 'tsyringe';
import type { CommandContext } from '../../../shared/command-context';
import type { RequestOrigin } from './request-origin';
import { UserRegistration } from './user-registration';

/**
 * Anyone not logged in signs up as a plain user (a role in the body has no effect); no session
 * is started. Order: username (400) → password (400) → throttle (429) → taken (409). The HTTP
 * layer answers 403 first for a caller with a valid session.
 */
@injectable()
export class SignUpHandler {
  constructor(private readonly registration: UserRegistration) {}

  execute(input: { username: string; password: string; client?: RequestOrigin }, context: CommandContext): Promise<{ id: string; position: bigint }> {
    const { username, password, client } = input;
    return this.registration.register({ username, password, role: 'user', origin: { kind: 'sign_up' }, client }, context);
  }
}
