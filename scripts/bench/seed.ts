import { randomBytes, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';
import type { UserCreated, UsernameReserved } from '../../src/features/users/domain/user-events';
import { userStreamName, usernameStreamName } from '../../src/features/users/domain/user-events';
import type { Database } from '../../src/shared/database';
import type { EventData, EventMetadata, EventStore, GlobalPosition } from '../../src/shared/event-store/event-store';
import { PgEventStore } from '../../src/shared/event-store/pg/pg-event-store';

/** Every seeded user's password: one bcrypt hash of it is computed per seed and shared. */
export const SEED_PASSWORD = 'bench-password';

export interface SeededUser {
  readonly id: string;
  readonly username: string;
}

export interface SeedResult {
  readonly users: number;
  /** The first users written, for the rows that act on a few (grant, log-in). */
  readonly sample: readonly SeededUser[];
  /** The position of the last UserCreated written: the users projection has folded the seed once it is passed. */
  readonly lastPosition: GlobalPosition | undefined;
  readonly seconds: number;
}

export interface SeedOptions {
  readonly users: number;
  /** bcrypt hash of SEED_PASSWORD under the service's pepper and cost. */
  readonly passwordHash: string;
  readonly sampleSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (written: number, total: number, seconds: number) => void;
}

/**
 * How the events reach the store. On PostgreSQL, the adapter's own append runs inside
 * transactions of USERS_PER_TRANSACTION users (a commit per thousand appends, not per append);
 * elsewhere (EventStoreDB) appends go through the port, CONCURRENT_APPENDS at once.
 */
export type BulkTarget = { readonly kind: 'postgres'; readonly db: Database } | { readonly kind: 'port'; readonly store: EventStore };

const USERS_PER_TRANSACTION = 500;
const PARALLEL_TRANSACTIONS = 3;
const CONCURRENT_APPENDS = 64;

/**
 * Writes `users` users as sign-ups write them: a `username-<name>` reservation (no_stream),
 * then `user-<id>` with its UserCreated (no_stream), with ids, metadata and one shared hash.
 * Usernames are `u<tag>.<n>` with a tag fresh per seed, so seeds add up on one database.
 */
export async function seedUsers(target: BulkTarget, options: SeedOptions): Promise<SeedResult> {
  const tag = randomBytes(2).toString('hex');
  const started = process.hrtime.bigint();
  const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
  const metadata: EventMetadata = { actorId: 'system:bench-seed', correlationId: `bench-seed-${tag}`, causationId: `bench-seed-${tag}`, occurredAt: new Date().toISOString() };
  const userAt = (n: number): SeededUser => ({ id: uuidv7(), username: `u${tag}.${String(n).padStart(7, '0')}` });
  const sample: SeededUser[] = [];
  let last: GlobalPosition | undefined;
  let written = 0;
  const writeUser = async (store: EventStore, user: SeededUser): Promise<void> => {
    const events = userEvents(user, options.passwordHash, metadata);
    await store.append(usernameStreamName(user.username), [events.reservation], { expectedRevision: 'no_stream' });
    const { position } = await store.append(userStreamName(user.id), [events.created], { expectedRevision: 'no_stream' });
    if (last === undefined || position > last) last = position;
  };
  const chunks = Math.ceil(options.users / USERS_PER_TRANSACTION);
  let nextChunk = 0;
  const lane = async (): Promise<void> => {
    for (let chunk = nextChunk++; chunk < chunks; chunk = nextChunk++) {
      options.signal?.throwIfAborted();
      const from = chunk * USERS_PER_TRANSACTION;
      const users = Array.from({ length: Math.min(USERS_PER_TRANSACTION, options.users - from) }, (_, i) => userAt(from + i));
      if (from < (options.sampleSize ?? 64)) sample.push(...users.slice(0, Math.max(0, (options.sampleSize ?? 64) - from)));
      if (target.kind === 'postgres') {
        await target.db.transaction(async (trx) => {
          const store = new PgEventStore(transactionDatabase(trx, target.db.location));
          for (const user of users) await writeUser(store, user);
        });
      } else {
        await inParallel(users, CONCURRENT_APPENDS / PARALLEL_TRANSACTIONS, (user) => writeUser(target.store, user));
      }
      written += users.length;
      options.onProgress?.(written, options.users, seconds());
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_TRANSACTIONS, chunks) }, lane));
  sample.sort((a, b) => a.username.localeCompare(b.username));
  return { users: written, sample, lastPosition: last, seconds: seconds() };
}

function userEvents(user: SeededUser, passwordHash: string, metadata: EventMetadata): { reservation: EventData; created: EventData } {
  const reserved: UsernameReserved = { type: 'UsernameReserved', data: { username: user.username, userId: user.id } };
  const created: UserCreated = {
    type: 'UserCreated',
    data: { userId: user.id, username: user.username, role: 'user', passwordHash, createdAt: metadata.occurredAt },
  };
  return { reservation: { id: randomUUID(), ...reserved, metadata }, created: { id: randomUUID(), ...created, metadata } };
}

/** The Database port over one open transaction, so the PostgreSQL adapter's appends share its commit. */
function transactionDatabase(trx: Knex.Transaction, location: string): Database {
  return {
    knex: trx,
    location,
    transaction: (work) => work(trx),
    query: async <Row>(sql: string, bindings: readonly unknown[]) => ((await trx.raw(sql, bindings as Knex.RawBinding[])) as { rows: Row[] }).rows,
    close: async () => undefined,
  };
}

async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) await work(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, items.length)) }, worker));
}
