import type { CommandContext } from '../../../shared/command-context';
import { handleCommand } from '../../../shared/decider';
import type { EventStore } from '../../../shared/event-store/event-store';
import { userDecider } from '../domain/decide';
import type { Actor } from '../domain/roles';
import type { ActivateUser, DeactivateUser, GrantAdmin, RevokeAdmin } from '../domain/user-commands';
import { userStreamName } from '../domain/user-events';
import type { UserWriteResult } from './command-result';
import { underRevisionCondition, type ExpectedRevisions } from './revision-condition';

export type AdministrationCommand = GrantAdmin | RevokeAdmin | ActivateUser | DeactivateUser;

/** What an administrator sends: who acts, on whom (any case of the id), and the revisions it saw (`If-Match`). */
export interface AdministrationInput {
  readonly actor: Actor;
  readonly userId: string;
  readonly expectedRevisions?: ExpectedRevisions;
}

/** Decides the command on the target's stream, whose rules (403, 404, no-op) live in the decider. */
export async function administerUser(
  store: EventStore,
  command: AdministrationCommand,
  context: CommandContext,
  expectedRevisions?: ExpectedRevisions,
): Promise<UserWriteResult> {
  const { userId } = command.data;
  const { position, revision } = await underRevisionCondition(userId, expectedRevisions, (options) =>
    handleCommand(store, userDecider, userStreamName(userId), command, context, options),
  );
  // The decider refuses a missing user, so a command that returns has a stream with a revision.
  return { position, revision: revision as bigint };
}
