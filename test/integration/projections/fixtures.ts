import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Logger } from 'pino';
import type { ProjectionDefinition, ReadTable } from '../../../projections/projection';
import { usersProjection } from '../../../projections/users/users.projection';
import type { Database } from '../../../src/shared/database/database';
import type {
  EventData,
  EventFilter,
  EventStore,
  GlobalPosition,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  SubscriptionMessage,
} from '../../../src/shared/event-store/event-store';

export interface CapturedLogger {
  readonly logger: Logger;
  readonly lines: Record<string, unknown>[];
}

/** A pino logger whose records tests can inspect. */
export function capturingLogger(): CapturedLogger {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

const metadata = { actorId: 'system:test', correlationId: 'test', causationId: 'test', occurredAt: '2026-01-01T00:00:00.000Z' };

export function event(type: string, data: Record<string, unknown>): EventData {
  return { id: randomUUID(), type, data, metadata };
}

export async function createUser(
  store: EventStore,
  user: { id?: string; username?: string; role?: string } = {},
): Promise<{ id: string; username: string; position: GlobalPosition }> {
  const id = user.id ?? randomUUID();
  const username = user.username ?? `u${id.slice(0, 8)}`;
  const created = event('UserCreated', {
    userId: id,
    username,
    role: user.role ?? 'user',
    passwordHash: '$2b$11$hash',
    createdAt: '2026-01-01T00:00:00.000Z',
  });
  const { position } = await store.append(`user-${id}`, [created], { expectedRevision: 'no_stream' });
  return { id, username, position };
}

export async function changeUser(store: EventStore, id: string, type: string): Promise<GlobalPosition> {
  const { position } = await store.append(`user-${id}`, [event(type, { userId: id, deactivatedAt: '2026-01-01T00:00:00.000Z' })]);
  return position;
}

export interface StoredUser {
  id: string;
  username: string;
  role: string;
  is_active: boolean;
  last_revision: string;
}

/** Rows of the users list as a table (a version's, or the live view `users`) holds them. */
export async function usersRows(db: Database, ids: readonly string[], table = 'users'): Promise<StoredUser[]> {
  return db.knex(table).select('id', 'username', 'role', 'is_active', 'last_revision').whereIn('id', ids as string[]).orderBy('id');
}

/** The maintained count of a users table (a version's name, e.g. `users_v1`), or of the live one. */
export async function usersCount(db: Database, table?: string): Promise<number> {
  const row = (table === undefined
    ? await db.knex('users_count').first('value')
    : await db.knex('read_model_counts').where({ name: table }).first('value')) as { value: string };
  return Number(row.value);
}

/** The users projection under a name of its own (own tables, views, checkpoints and lease). */
export function testUsersProjection(): ProjectionDefinition {
  return usersProjection(`users_t${randomBytes(6).toString('hex')}`);
}

/** A table-less read model: a projection whose apply the test writes, under a fresh name. */
export function testProjection(prefix: string, spec: Pick<ProjectionDefinition, 'apply'> & { filter?: EventFilter }): ProjectionDefinition {
  return { name: `${prefix}_${randomBytes(6).toString('hex')}`, table: NO_TABLE, ...spec };
}

const NO_TABLE: ReadTable = {
  counted: false,
  comparison: { key: 'key', columns: [] },
  create: async () => undefined,
  createIndexes: async () => undefined,
  drop: async () => undefined,
  truncate: async () => undefined,
  views: () => [],
};

export interface CheckpointRow {
  position: string | null;
  lease_owner: string | null;
  lease_token: string;
  stopped_reason: string | null;
}

/** The checkpoint row of a reaction, or of a projection's live version (by its name). */
export async function checkpointRow(db: Database, name: string): Promise<CheckpointRow | undefined> {
  const version = (await db.knex('projection_versions').where({ name }).first('live_version')) as { live_version: number } | undefined;
  const row = version === undefined ? name : `${name}_v${version.live_version}`;
  return db.knex('projection_checkpoints').where({ name: row }).first('position', 'lease_owner', 'lease_token', 'stopped_reason');
}

export { eventually } from '../../support/eventually';

/**
 * An event store whose subscriptions hold back checkpoint messages while the gate is closed:
 * a worker then has its batch in hand but cannot commit it, like a process that stalled.
 */
export class GatedEventStore implements EventStore {
  private opened: Promise<void> = Promise.resolve();
  private openGate: () => void = () => undefined;
  /** Resolves when a subscription reached the closed gate. */
  waiting: Promise<void> = new Promise(() => undefined);
  private reachedGate: () => void = () => undefined;

  constructor(private readonly inner: EventStore) {}

  hold(): void {
    this.opened = new Promise((resolve) => {
      this.openGate = resolve;
    });
    this.waiting = new Promise((resolve) => {
      this.reachedGate = resolve;
    });
  }

  letGo(): void {
    this.openGate();
  }

  subscribe(options?: SubscribeOptions): Subscription {
    const inner = this.inner.subscribe(options);
    async function* gated(self: GatedEventStore): AsyncGenerator<SubscriptionMessage> {
      for await (const message of inner) {
        if (message.type !== 'event') {
          self.reachedGate();
          await self.opened;
        }
        yield message;
      }
    }
    const iterator = gated(this);
    return { [Symbol.asyncIterator]: () => iterator, close: () => inner.close() };
  }

  append: EventStore['append'] = (...args) => this.inner.append(...args);
  readStream: EventStore['readStream'] = (...args) => this.inner.readStream(...args);
  readStreams: EventStore['readStreams'] = (...args) => this.inner.readStreams(...args);
  readAll: EventStore['readAll'] = (...args) => this.inner.readAll(...args);
  headPosition: EventStore['headPosition'] = () => this.inner.headPosition();
  close: EventStore['close'] = () => this.inner.close();
}

let fakePosition = 0n;

/** A recorded event for feeding a projection's apply() directly, without a store. */
export function recorded(streamName: string, revision: bigint, type: string, data: Record<string, unknown>): RecordedEvent {
  fakePosition += 1n;
  return { ...event(type, data), streamName, revision, position: fakePosition, recordedAt: new Date() };
}
