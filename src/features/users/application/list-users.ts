import { inject, injectable } from 'tsyringe';
import { ServiceUnavailableError } from '../../../shared/errors';
import { assertAdministrator } from '../domain/decide';
import type { Actor } from '../domain/roles';
import { READ_MODEL_FRESHNESS, type ReadModelFreshness } from './ports/read-model-freshness';
import {
  sortingFieldAmong,
  USER_DIRECTORY_READER,
  type UserDirectoryReader,
  type UserListPage,
  type UserListQuery,
} from './ports/user-directory-reader';

export const READ_YOUR_WRITES_WAIT_MS = 2_000;

/** `stale`: the read model had not reached the requested `minPosition` within the wait. */
export type FreshUserListPage = UserListPage & { stale: boolean };

/**
 * Admins and the super admin list every user, inactive ones included, from the read model.
 * Order: administrator (403) → sorting field is a read-model column (400) → wait for `minPosition`.
 */
@injectable()
export class ListUsersHandler {
  constructor(
    @inject(USER_DIRECTORY_READER) private readonly reader: UserDirectoryReader,
    @inject(READ_MODEL_FRESHNESS) private readonly freshness: ReadModelFreshness,
  ) {}

  async execute(input: { actor: Actor; minPosition?: bigint; signal?: AbortSignal } & UserListQuery): Promise<FreshUserListPage> {
    const { actor, minPosition, signal, ...query } = input;
    assertAdministrator(actor);
    sortingFieldAmong(this.reader.sortableFields, query.sortingField);
    const fresh = minPosition === undefined || (await this.freshness.waitUntilPassed(minPosition, READ_YOUR_WRITES_WAIT_MS, signal));
    // The client left during the wait: nobody reads the page.
    if (signal?.aborted === true) throw new ServiceUnavailableError('request.aborted');
    const page = await this.reader.list(query);
    return { ...page, stale: !fresh };
  }
}
