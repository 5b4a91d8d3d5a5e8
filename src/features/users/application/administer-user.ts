import type { CommandContext } from '../../../shared/command-context';
import { handleCommand } from '../../../shared/decider';
import type { EventStore } from '../../../shared/event-store/event-store';
import { userDecider } from '../domain/decide';
import type { Actor } from '../domain/roles';
import type { ActivateUser, DeactivateUser, GrantAdmin, RevokeAdmin } from '../domain/user-commands';
import { userStreamName } from '../domain/user-events';
import type { CommandResult } from './command-result';

export type AdministrationCommand = GrantAdmin | RevokeAdmin | ActivateUser | DeactivateUser;

/** What an administrator sends: who acts, on whom (any case of the id). */
export interface AdministrationInput {
  readonly actor: Actor;
  readonly userId: string;
}

/** Decides the command on the target's stream, whose rules (403, 404, no-op) live in the decider. */
export async function administerUser(store: EventStore, command: AdministrationCommand, context: CommandContext): Promise<CommandResult> {
  const { position } = await handleCommand(store, userDecider, userStreamName(command.data.userId), command, context);
  return { position };
}
