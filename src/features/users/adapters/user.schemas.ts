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

/** Descriptions only: the handlers check these rules and answer 400 with the code, never a 422. */
export const USERNAME_RULES =
  '5–20 characters (code points): letters `A-Z` `a-z`, digits `0-9`, dots `.`, hyphens `-` and underscores `_`; ' +
  'it starts and ends with a letter or a digit, and never has two of `.` `-` `_` in a row. ' +
  'Checked in that order, the first broken rule answers 400 with its code: `user.username_length`, `user.username_start`, ' +
  '`user.username_characters`, `user.username_consecutive_specials`, `user.username_end`.';

export const PASSWORD_RULE = 'At least 6 characters (code points), no maximum; a shorter one answers 400 `user.password_too_short`.';

export const createUserBody = modelBody<CreateUserBody>({
  type: 'object',
  title: 'CreateUserRequestPydantic',
  properties: {
    username: { type: 'string', title: 'Username', description: USERNAME_RULES },
    password: { type: 'string', title: 'Password', description: PASSWORD_RULE },
    role: {
      type: 'string',
      title: 'UserRole',
      enum: [...ROLES],
      default: 'user',
      description:
        'One of `super_admin`, `admin`, `user` (default `user`). An admin creates users, a super admin admins and users; ' +
        'nobody creates a super admin (403 `auth.not_authorized`).',
    },
  },
  required: ['username', 'password'],
});

/** The body is the bare JSON string, e.g. `"newpass1"` (one plain `str` body parameter in the original). */
export const setPasswordBody = stringBody({ type: 'string', title: 'Password', description: `The new password as a bare JSON string, e.g. \`"newpass1"\`. ${PASSWORD_RULE}` });

export const listUsersQuery = parameters<ListUsersQueryParams>('query', {
  type: 'object',
  properties: {
    limit: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_PAGE_SIZE,
      default: 20,
      title: 'Limit',
      description: `Users per page: 1 to ${MAX_PAGE_SIZE} (the cap), default 20.`,
    },
    // Bounded so that an absurd offset is a 422 rather than a database error.
    offset: {
      type: 'integer',
      minimum: 0,
      maximum: Number.MAX_SAFE_INTEGER,
      default: 0,
      title: 'Offset',
      description: `Users to skip before the page, default 0 (at most ${Number.MAX_SAFE_INTEGER}). Ignored when a \`cursor\` is given.`,
    },
    // Any string passes the schema, as in the original: an unknown field is the handler's 400.
    sorting_field: {
      type: 'string',
      default: 'username',
      title: 'Sorting Field',
      description:
        'The column to sort by: `id`, `username`, `role` or `is_active` (default `username`); ties are broken by `id`. ' +
        "Any other value answers 400 `users.invalid_sorting_field`.",
    },
    sorting_order: {
      type: 'string',
      enum: ['ASC', 'DESC'],
      default: 'ASC',
      title: 'SortingOrder',
      description: '`ASC` (default) or `DESC`.',
    },
    cursor: {
      type: 'string',
      title: 'Cursor',
      description:
        'Keyset paging: the `next_cursor` of the previous page, to page at index speed at any depth. ' +
        'With a `cursor` the `offset` is ignored: the page starts right after the row the cursor marks. ' +
        'It must come with the same `sorting_field` and `sorting_order` it was issued for; a cursor this service did not make, ' +
        'or one for another sorting, answers 400 `users.invalid_cursor`.',
    },
    // A string: positions are 64-bit and JSON numbers lose precision past 2^53.
    min_position: {
      type: 'string',
      pattern: '^[0-9]+$',
      title: 'Min Position',
      description:
        'Read your writes: a command\'s `X-Log-Position` (digits, at most 2^63−1). The list first waits, at most ' +
        '`READ_YOUR_WRITES_WAIT_MS` (2 s by default), until the users read model has passed that position; ' +
        'if it has not in time, the page is still answered, with `X-Read-Model-Stale: true`.',
    },
  },
});

/** The largest `min_position`: positions are signed 64-bit integers. */
export const MAX_LOG_POSITION = 2n ** 63n - 1n;

export const userIdPath = parameters<UserIdParams>('path', {
  type: 'object',
  properties: { user_id: { type: 'string', format: 'uuid', title: 'User Id', description: 'The target user\'s id, a UUID.' } },
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
          is_active: { type: 'boolean', description: 'Inactive users are listed too.' },
        },
        required: ['id_', 'username', 'role', 'is_active'],
      },
    },
    total: { type: 'integer', description: 'All users, whatever the page (also past the end).' },
    next_cursor: {
      type: ['string', 'null'],
      description: 'Opaque; send it back as `cursor` (with the same sorting) for the next page; null on the last page.',
    },
  },
  required: ['users', 'total'],
};

export const createdUserSchema = {
  type: 'object',
  title: 'CreateUserResponse',
  properties: { id: { type: 'string', format: 'uuid', description: 'The new user\'s id.' } },
  required: ['id'],
};

export interface HistoryQueryParams {
  limit: number;
  offset: number;
  cursor?: string;
}

/** The largest history page, as the list's. */
export const MAX_HISTORY_PAGE_SIZE = MAX_PAGE_SIZE;

export const historyQuery = parameters<HistoryQueryParams>('query', {
  type: 'object',
  properties: {
    limit: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_HISTORY_PAGE_SIZE,
      default: 50,
      title: 'Limit',
      description: `Events per page: 1 to ${MAX_HISTORY_PAGE_SIZE} (the cap), default 50.`,
    },
    offset: {
      type: 'integer',
      minimum: 0,
      maximum: Number.MAX_SAFE_INTEGER,
      default: 0,
      title: 'Offset',
      description: 'Events to skip before the page, default 0. Ignored when a `cursor` is given.',
    },
    cursor: {
      type: 'string',
      pattern: '^[0-9]{1,19}$',
      title: 'Cursor',
      description:
        'The `next_cursor` of the previous page, opaque: the page starts right after the event it marks, whatever was appended since. ' +
        'With a `cursor` the `offset` is ignored.',
    },
  },
});

const auditActorSchema = {
  oneOf: [
    {
      type: 'object',
      title: 'UserActor',
      properties: {
        id: { type: 'string', description: 'The acting user\'s id.' },
        username: { type: ['string', 'null'], description: 'Their username when they acted; null when their stream names none.' },
      },
      required: ['id', 'username'],
    },
    {
      type: 'object',
      title: 'SystemActor',
      properties: { system: { type: 'string', description: 'The automation that acted, e.g. `create-super-admin` for `system:create-super-admin`.' } },
      required: ['system'],
    },
  ],
};

export const auditEventSchema = {
  type: 'object',
  title: 'AuditEvent',
  properties: {
    type: { type: 'string', description: 'The event type, e.g. `UserCreated`, `PasswordSet`.' },
    revision: { type: 'string', pattern: '^[0-9]+$', description: 'Its revision in its stream, from 0 (a string: revisions are 64-bit).' },
    position: { type: 'string', pattern: '^[0-9]+$', description: 'Its global log position, as `X-Log-Position` writes it.' },
    recorded_at: { type: 'string', format: 'date-time', description: 'When the store recorded it.' },
    actor: auditActorSchema,
    correlation_id: { type: 'string', description: 'The request that caused it (its X-Request-Id).' },
    causation_id: { type: 'string', description: 'What caused it directly.' },
    data: {
      type: 'object',
      description: 'The event\'s data, redacted: never a password hash, token or session id (a session is named by an 8-hex handle); a password change shows as `"password": "changed"` or `"set"`.',
    },
  },
  required: ['type', 'revision', 'position', 'recorded_at', 'actor', 'correlation_id', 'causation_id', 'data'],
};

export const userHistoryResponseSchema = {
  type: 'object',
  title: 'UserHistory',
  properties: {
    events: { type: 'array', items: auditEventSchema, description: "The user stream's events, in order." },
    total: { type: 'integer', description: 'All events of the stream, whatever the page.' },
    next_cursor: { type: ['string', 'null'], description: 'Opaque; send it back as `cursor` for the next page; null on the last page.' },
  },
  required: ['events', 'total', 'next_cursor'],
};

export interface UserStateQueryParams {
  as_of?: string;
  as_of_revision?: string;
}

// Strings: the moment is checked by the route (a calendar date with its offset), and revisions are 64-bit.
export const userStateQuery = parameters<UserStateQueryParams>('query', {
  type: 'object',
  properties: {
    as_of: {
      type: 'string',
      title: 'As Of',
      description:
        'The state after the events the store recorded at or before this moment: an RFC 3339 date-time with its offset, ' +
        'e.g. `2026-01-02T03:04:05.678Z` (millisecond precision, as `recorded_at` in the history). ' +
        'Before the user was created: 404 `user.not_yet_created`. Not together with `as_of_revision`.',
    },
    as_of_revision: {
      type: 'string',
      pattern: '^[0-9]{1,19}$',
      title: 'As Of Revision',
      description:
        "The state after the stream's events up to this revision, from 0 (the `revision` of the history's events). " +
        'Past the latest: 404 `user.revision_not_found`. Not together with `as_of`.',
    },
  },
});

export const userStateSchema = {
  type: 'object',
  title: 'UserState',
  description: 'The user in the shape the list uses, folded from their stream.',
  properties: {
    id_: { type: 'string', format: 'uuid' },
    username: { type: 'string' },
    role: { type: 'string', enum: [...ROLES] },
    is_active: { type: 'boolean' },
  },
  required: ['id_', 'username', 'role', 'is_active'],
};
