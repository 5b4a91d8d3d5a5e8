import { injectable } from 'tsyringe';
import type { CommandContext } from '../../../shared/command-context';
import { NotASuperAdminError, UserAlreadyExistsError } from '../domain/errors';
import type { ExistingUser } from '../domain/user';
import { UserLookup } from './user-lookup';
import { UserRegistration } from './user-registration';

/**
 * Makes the first super admin, for the start-up setting and the script (actor `system:<name>`).
 * Idempotent by role: when a super admin of that username exists, nothing is written and
 * `created` is false; when the name belongs to a user of another role, it refuses
 * (NotASuperAdminError), so that nobody is told a super admin exists when none does.
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
    if (existing !== undefined) return asSuperAdmin(existing);
    try {
      const { username, password } = input;
      const origin = { kind: 'bootstrap' as const };
      const { id } = await this.registration.register({ username, password, role: 'super_admin', origin }, context);
      return { id, created: true };
    } catch (error) {
      if (!(error instanceof UserAlreadyExistsError)) throw error;
      const winner = await this.winnerOf(input.username);
      if (winner === undefined) throw error;
      return asSuperAdmin(winner);
    }
  }

  /**
   * Processes starting together race for the name: the loser may see the winner's reservation
   * before its user stream is written, so it waits (a few seconds at most) for the user to exist.
   */
  private async winnerOf(username: string): Promise<ExistingUser | undefined> {
    for (let attempt = 0; attempt < WINNER_WAIT_ATTEMPTS; attempt++) {
      const winner = await this.lookup.findByUsername(username);
      if (winner !== undefined) return winner;
      await new Promise((resolve) => setTimeout(resolve, WINNER_WAIT_STEP_MS));
    }
    return undefined;
  }
}

function asSuperAdmin(user: ExistingUser): { id: string; created: false } {
  if (user.role !== 'super_admin') throw new NotASuperAdminError(user.username, user.role);
  return { id: user.userId, created: false };
}

const WINNER_WAIT_STEP_MS = 100;
const WINNER_WAIT_ATTEMPTS = 50;
