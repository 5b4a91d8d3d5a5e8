import { injectable } from 'tsyringe';
import type { CommandContext } from '../../../shared/command-context';
import { UserAlreadyExistsError } from '../domain/errors';
import { UserLookup } from './user-lookup';
import { UserRegistration } from './user-registration';

/**
 * Makes the first super admin, for the start-up setting and the script (actor `system:<name>`).
 * Idempotent: when the username exists already, nothing is written and `created` is false.
 */
@injectable()
export class BootstrapSuperAdminHandler {
  constructor(
    private readonly registration: UserRegistration,
    private readonly lookup: UserLookup,
  ) {}

  async execute(
    input: { username: string; password: string },
    context: CommandContext,
  ): Promise<{ id: string; created: boolean }> {
    const existing = await this.lookup.findByUsername(input.username);
    if (existing !== undefined) return { id: existing.userId, created: false };
    try {
      const { username, password } = input;
      const origin = { kind: 'bootstrap' as const };
      const { id } = await this.registration.register({ username, password, role: 'super_admin', origin }, context);
      return { id, created: true };
    } catch (error) {
      const winner = error instanceof UserAlreadyExistsError ? await this.lookup.findByUsername(input.username) : undefined;
      if (winner === undefined) throw error;
      return { id: winner.userId, created: false };
    }
  }
}
