import { Command } from 'commander';
import { readUserAsOf, userView } from '../../src/features/users';
import { NotFoundError } from './audit-errors';
import { describeAsOf, parseAsOf } from './as-of-point';
import { withEventStore } from './audit-store';
import { findUser } from './user-argument';

export function asOfCommand(): Command {
  return new Command('as-of')
    .description("the user as it was at a time or a revision, folded from its stream (the API's user shape)")
    .argument('<user>', 'the user id, or a username')
    .argument('<point>', 'an ISO time with its zone (the events recorded at or before it), or a revision (a whole number, inclusive)')
    .option('--json', 'print JSON: {"user": {id_, username, role, is_active}, "revision", "recorded_at"}')
    .action(async (argument: string, point: string, options: { json?: boolean }) => {
      const asOf = parseAsOf(point);
      const answer = await withEventStore(async (store) => {
        const user = await findUser(store, argument);
        return { user, folded: await readUserAsOf(store, user.userId, asOf) };
      });
      const { user, folded } = answer;
      if (folded.pastTheEnd) {
        const last = folded.revision === undefined ? 'it has no events' : `its last is ${folded.revision}`;
        throw new NotFoundError(`User ${user.label} has no ${describeAsOf(asOf)}: ${last}.`);
      }
      if (folded.state.status !== 'existing') throw new NotFoundError(`User ${user.label} did not exist at ${describeAsOf(asOf)}.`);
      const view = userView(folded.state);
      const revision = folded.revision?.toString() ?? null;
      const recordedAt = folded.recordedAt?.toISOString() ?? null;
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify({ user: view, revision, recorded_at: recordedAt })}\n`);
        return;
      }
      const rows: [string, string][] = [
        ['id_', view.id_],
        ['username', view.username],
        ['role', view.role],
        ['is_active', String(view.is_active)],
        ['revision', revision ?? '-'],
        ['recorded_at', recordedAt ?? '-'],
      ];
      process.stdout.write(`${user.label} as of ${describeAsOf(asOf)}\n${rows.map(([key, value]) => `  ${key.padEnd(12)}${value}\n`).join('')}`);
    });
}
