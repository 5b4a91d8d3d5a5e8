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
      if (!(error instanceof UserAlreadyExistsError)) throw error;
      const winner = await this.winnerOf(input.username);
      if (winner === undefined) throw error;
      return { id: winner, created: false };
    }
  }

  /**
   * Processes starting together race for the name: the loser may see the winner's reservation
   * before its user stream is written, so it waits (a few seconds at most) for the user to exist.
   */
  private async winnerOf(username: string): Promise<string | undefined> {
    for (let attempt = 0; attempt < WINNER_WAIT_ATTEMPTS; attempt++) {
      const winner = await this.lookup.findByUsername(username);
      if (winner !== undefined) return winner.userId;
      await new Promise((resolve) => setTimeout(resolve, WINNER_WAIT_STEP_MS));
    }
    return undefined;
  }
}

const WINNER_WAIT_STEP_MS = 100;
const WINNER_WAIT_ATTEMPTS = 50;
