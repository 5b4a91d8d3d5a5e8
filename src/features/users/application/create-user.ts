import { injectable } from 'tsyringe';
import type { CommandContext } from '../../../shared/command-context';
import type { Actor, Role } from '../domain/roles';
import { UserRegistration } from './user-registration';

/**
 * Admins create users, super admins also admins; nobody creates a super admin (403).
 * Order: may manage the requested role (403) → username (400) → password (400) → taken (409).
 */
@injectable()
export class CreateUserHandler {
  constructor(private readonly registration: UserRegistration) {}

  execute(
    input: { actor: Actor; username: string; password: string; role: Role },
    context: CommandContext,
  ): Promise<{ id: string; position: bigint }> {
    const { actor, username, password, role } = input;
    return this.registration.register({ username, password, role, origin: { kind: 'administrator', actor } }, context);
  }
}
