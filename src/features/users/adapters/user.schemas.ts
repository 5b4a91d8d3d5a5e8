import { modelBody, parameters, stringBody } from '../../../http/request-validation';
import { ROLES, type Role } from '../domain/roles';

export interface CreateUserBody {
  username: string;
  password: string;
  role: Role;
}

export interface ListUsersQueryParams {
  limit: number;
  offset: number;
  sorting_field: string;
  sorting_order: 'ASC' | 'DESC';
  cursor?: string;
  min_position?: string;
}

export interface UserIdParams {
  user_id: string;
}

/** The largest page; the original has no cap (see behaviour.md, "Our contract" 7). */
export const MAX_PAGE_SIZE = 1000;

export const createUserBody = modelBody<CreateUserBody>({
  type: 'object',
  title: 'CreateUserRequestPydantic',
  properties: {
    username: { type: 'string', title: 'Username' },
    password: { type: 'string', title: 'Password' },
    role: { type: 'string', title: 'UserRole', enum: [...ROLES], default: 'user' },
  },
  required: ['username', 'password'],
});

/** The body is the bare JSON string, e.g. `"newpass1"` (one plain `str` body parameter in the original). */
export const setPasswordBody = stringBody({ type: 'string', title: 'Password' });

export const listUsersQuery = parameters<ListUsersQueryParams>('query', {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: 20, title: 'Limit' },
    // Bounded so that an absurd offset is a 422 rather than a database error.
    offset: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0, title: 'Offset' },
    sorting_field: { type: 'string', default: 'username', title: 'Sorting Field' },
    sorting_order: { type: 'string', enum: ['ASC', 'DESC'], default: 'ASC', title: 'SortingOrder' },
    cursor: {
      type: 'string',
      title: 'Cursor',
      description: 'The `next_cursor` of the previous page, to page at index speed at any depth.',
    },
    // A string: positions are 64-bit and JSON numbers lose precision past 2^53.
    min_position: {
      type: 'string',
      pattern: '^[0-9]+$',
      title: 'Min Position',
      description:
        'A command\'s `X-Log-Position` (at most 2^63−1). The list first waits (bounded) until the read model has passed it; ' +
        'if it has not in time, the page is still answered, with `X-Read-Model-Stale: true`.',
    },
  },
});

/** The largest `min_position`: positions are signed 64-bit integers. */
export const MAX_LOG_POSITION = 2n ** 63n - 1n;

export const userIdPath = parameters<UserIdParams>('path', {
  type: 'object',
  properties: { user_id: { type: 'string', format: 'uuid', title: 'User Id' } },
  required: ['user_id'],
});

export const userListResponseSchema = {
  type: 'object',
  title: 'ListUsersQM',
  properties: {
    users: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id_: { type: 'string', format: 'uuid' },
          username: { type: 'string' },
          role: { type: 'string', enum: [...ROLES] },
          is_active: { type: 'boolean' },
        },
        required: ['id_', 'username', 'role', 'is_active'],
      },
    },
    total: { type: 'integer' },
    next_cursor: { type: ['string', 'null'], description: 'Opaque; send it back as `cursor` for the next page.' },
  },
  required: ['users', 'total'],
};

export const createdUserSchema = {
  type: 'object',
  title: 'CreateUserResponse',
  properties: { id: { type: 'string', format: 'uuid' } },
  required: ['id'],
};
