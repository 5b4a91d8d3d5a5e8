import { inject, injectable } from 'tsyringe';
import { assertAdministrator } from '../domain/decide';
import { InvalidSortingFieldError } from '../domain/errors';
import type { Actor } from '../domain/roles';
import {
  USER_DIRECTORY_READER,
  type UserDirectoryReader,
  type UserListPage,
  type UserListQuery,
} from './ports/user-directory-reader';

/**
 * Admins and the super admin list every user, inactive ones included, from the read model.
 * Order: administrator (403) → sorting field is a read-model column (400).
 */
@injectable()
export class ListUsersHandler {
  constructor(@inject(USER_DIRECTORY_READER) private readonly reader: UserDirectoryReader) {}

  async execute(input: { actor: Actor } & UserListQuery): Promise<UserListPage> {
    const { actor, ...query } = input;
    assertAdministrator(actor);
    if (!this.reader.sortableFields.includes(query.sortingField)) throw new InvalidSortingFieldError(query.sortingField);
    return this.reader.list(query);
  }
}
