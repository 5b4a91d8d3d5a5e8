import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { exportLog, type ExportLineJson } from '../../../scripts/audit/export-log';
import { Output } from '../../../scripts/audit/output';
import type { EventStore, ReadAllOptions, ReadStreamOptions } from '../../../src/shared/event-store/event-store';
import { InMemoryEventStore } from '../../../src/shared/event-store/in-memory-event-store';

const metadataOf = (actorId: string) => ({ actorId, correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString() });

/** A reader slower than the writer: it takes one chunk per turn of the event loop, and notes what it was sent. */
class SlowReader extends Writable {
  readonly chunks: string[] = [];
  constructor() {
    super({ highWaterMark: 4096, decodeStrings: false });
  }
  override _write(chunk: string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.chunks.push(chunk);
    setImmediate(done);
  }
}

describe('audit export: the log as NDJSON', () => {
  let store: InMemoryEventStore;
  let users: { id: string; username: string; sessionId: string }[];

  beforeEach(async () => {
    store = new InMemoryEventStore();
    await store.append('userledger-log', [{ id: randomUUID(), type: 'EventLogCreated', data: { logId: randomUUID() }, metadata: metadataOf('system:userledger') }]);
    users = Array.from({ length: 300 }, (_, i) => ({ id: randomUUID(), username: `user.${String(i).padStart(4, '0')}`, sessionId: randomUUID() }));
    for (const user of users) {
      const self = metadataOf(user.id);
      const created = { userId: user.id, username: user.username, role: 'user', passwordHash: `$2b$10$secret-${user.id}`, createdAt: self.occurredAt };
      await store.append(`user-${user.id}`, [{ id: randomUUID(), type: 'UserCreated', data: created, metadata: self }]);
      const started = { sessionId: user.sessionId, userId: user.id, startedAt: self.occurredAt, expiresAt: self.occurredAt };
      await store.append(`session-${user.sessionId}`, [{ id: randomUUID(), type: 'SessionStarted', data: started, metadata: self }]);
      await store.append(`user-${user.id}`, [{ id: randomUUID(), type: 'PasswordChanged', data: { userId: user.id, passwordHash: `$2b$10$next-${user.id}` }, metadata: self }]);
    }
  });
  afterEach(() => store.close());

  function counting(onPageRead: () => void = () => undefined): { store: EventStore; pageReads: ReadAllOptions[]; streamReads: string[] } {
    const pageReads: ReadAllOptions[] = [];
    const streamReads: string[] = [];
    const wrapped = Object.create(store, {
      readAll: { value: (options: ReadAllOptions = {}) => (onPageRead(), pageReads.push(options), store.readAll(options)) },
      readStream: { value: (name: string, options?: ReadStreamOptions) => (streamReads.push(name), store.readStream(name, options)) },
    }) as EventStore;
    return { store: wrapped, pageReads, streamReads };
  }

  it('every event but the service\'s own, in log order, redacted: no hash, no session id', async () => {
    const reader = new SlowReader();
    const summary = await exportLog(store, {}, new Output(reader), { pageSize: 50 });
    const text = reader.chunks.join('');
    const lines = text.trim().split('\n').map((line) => JSON.parse(line) as ExportLineJson);
    expect(summary.events).to.equal(900);
    expect(lines).to.have.length(900);
    expect(lines.map((line) => line.type).slice(0, 3)).to.deep.equal(['UserCreated', 'SessionStarted', 'PasswordChanged']);
    expect(lines.some((line) => line.stream === 'userledger-log')).to.equal(false);
    expect(lines[0]?.data).to.deep.equal({ userId: users[0]?.id, username: 'user.0000', role: 'user', createdAt: lines[0]?.data.createdAt });
    expect(lines[2]?.data).to.deep.equal({ userId: users[0]?.id, password: 'changed' });
    expect(lines[1]?.stream).to.match(/^session-[0-9a-f]{8}$/);
    expect(text).to.not.include('$2b$');
    for (const user of users) expect(text).to.not.include(user.sessionId);
    const positions = lines.map((line) => BigInt(line.position));
    expect(positions.every((position, i) => i === 0 || position > (positions[i - 1] as bigint))).to.equal(true);
    expect(summary.first).to.equal(positions[0]);
    expect(summary.last).to.equal(positions.at(-1));
  });

  it('reads the next page only once the reader has taken the last (backpressure), a page at a time', async () => {
    const reader = new SlowReader();
    let bufferedAtRead = 0;
    const { store: watched, pageReads } = counting(() => (bufferedAtRead = Math.max(bufferedAtRead, reader.writableLength)));
    await exportLog(watched, {}, new Output(reader), { pageSize: 50 });
    expect(pageReads.length).to.be.within(18, 20);
    expect(pageReads.every((options) => options.maxCount === 50)).to.equal(true);
    expect(bufferedAtRead, 'bytes still waiting for the reader when a page was read').to.be.at.most(reader.writableHighWaterMark);
  });

  it('names actors from the UserCreated events it passes; one created before --from is read from its stream, once while remembered', async () => {
    const parse = (reader: SlowReader): ExportLineJson[] => reader.chunks.join('').trim().split('\n').map((line) => JSON.parse(line) as ExportLineJson);
    const whole = counting();
    const reader = new SlowReader();
    await exportLog(whole.store, {}, new Output(reader), { pageSize: 50, namesKept: 20 });
    const lines = parse(reader);
    expect(lines[0]?.metadata).to.deep.include({ actor: { id: users[0]?.id, username: 'user.0000' } });
    expect(lines.at(-1)?.metadata.actor).to.deep.equal({ id: users.at(-1)?.id, username: users.at(-1)?.username });
    expect(whole.streamReads).to.deep.equal([]);

    // From each user's SessionStarted on, their UserCreated is behind: the name comes from their stream.
    const from = BigInt(lines[1]?.position as string);
    const later = counting();
    const tail = new SlowReader();
    await exportLog(later.store, { from }, new Output(tail), { pageSize: 50, namesKept: 20 });
    expect(parse(tail)[0]?.metadata.actor).to.deep.equal({ id: users[0]?.id, username: 'user.0000' });
    expect(later.streamReads).to.deep.equal([`user-${users[0]?.id}`]);
  });

  it('--from and --to: both inclusive; a range past the head is empty', async () => {
    const all = await store.readAll({ maxCount: 2000 });
    const positions = all.events.filter((event) => event.streamName !== 'userledger-log').map((event) => event.position);
    const [from, to] = [positions[10] as bigint, positions[20] as bigint];
    const reader = new SlowReader();
    const summary = await exportLog(store, { from, to }, new Output(reader), { pageSize: 7 });
    const lines = reader.chunks.join('').trim().split('\n').map((line) => JSON.parse(line) as ExportLineJson);
    expect(lines.map((line) => BigInt(line.position))).to.deep.equal(positions.slice(10, 21));
    expect(summary).to.include({ events: 11, first: from, last: to });

    const past = new SlowReader();
    expect((await exportLog(store, { from: (positions.at(-1) as bigint) + 1n }, new Output(past))).events).to.equal(0);
    expect(past.chunks.join('')).to.equal('');
  });

  it('stops at its next page once aborted', async () => {
    const controller = new AbortController();
    const reader = new SlowReader();
    let written = 0;
    const onPage = (events: number): void => {
      if (events < 100 || controller.signal.aborted) return;
      written = events;
      controller.abort(new Error('interrupted'));
    };
    const failure = await exportLog(store, {}, new Output(reader), { pageSize: 50, signal: controller.signal, onPage }).then(() => undefined, (error: unknown) => error);
    expect((failure as Error | undefined)?.message).to.equal('interrupted');
    expect(written).to.be.within(100, 200);
    expect(reader.chunks.join('').trim().split('\n')).to.have.length(written);
  });
});
