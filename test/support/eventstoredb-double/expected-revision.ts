import type { EventLog } from './event-log';
import { metastreamOf } from './stored-event';
import { isSoftDeleted } from './stream-metadata';

export type ExpectedRevision =
  | { readonly kind: 'any' }
  | { readonly kind: 'no_stream' }
  | { readonly kind: 'stream_exists' }
  | { readonly kind: 'revision'; readonly revision: bigint };

/** Outcome of the server's commit check (IndexWriter.CheckCommit) for a write to one stream. */
export type CommitCheck =
  | { readonly outcome: 'write'; readonly undeletes: boolean }
  | { readonly outcome: 'idempotent'; readonly lastRevision: bigint; readonly position: bigint }
  | { readonly outcome: 'wrong_expected_version'; readonly current: bigint | undefined }
  | { readonly outcome: 'stream_deleted' };

/**
 * Decides whether a write of `eventIds` to `streamName` goes ahead (rules 5–9, 11, 17). An empty id list is a
 * delete's check: there is nothing to be idempotent about.
 */
export function checkCommit(log: EventLog, streamName: string, expected: ExpectedRevision, eventIds: readonly string[]): CommitCheck {
  if (log.stream(streamName)?.tombstone) return { outcome: 'stream_deleted' };
  const current = log.lastRevision(streamName);
  const softDeleted = isSoftDeleted(log, streamName);
  const wrong: CommitCheck = { outcome: 'wrong_expected_version', current };
  switch (expected.kind) {
    case 'any':
      return checkRecentIds(log, streamName, eventIds) ?? { outcome: 'write', undeletes: softDeleted };
    case 'stream_exists': {
      if (softDeleted) return { outcome: 'stream_deleted' };
      // A stream that only has metadata counts as existing.
      if (current === undefined && log.lastRevision(metastreamOf(streamName)) === undefined) return wrong;
      return checkRecentIds(log, streamName, eventIds) ?? { outcome: 'write', undeletes: false };
    }
    case 'no_stream':
      if (current === undefined || softDeleted) return { outcome: 'write', undeletes: softDeleted };
      return checkStoredIds(log, streamName, -1n, current, eventIds);
    case 'revision':
      if (current !== undefined && expected.revision === current) return { outcome: 'write', undeletes: softDeleted };
      if (current === undefined || expected.revision > current) return wrong;
      return checkStoredIds(log, streamName, expected.revision, current, eventIds);
  }
}

/** Idempotency for `any`/`stream_exists`: best effort through the bounded cache; ids of other streams never count. */
function checkRecentIds(log: EventLog, streamName: string, eventIds: readonly string[]): CommitCheck | undefined {
  let first: { revision: bigint } | undefined;
  let last: { revision: bigint; position: bigint } | undefined;
  for (const id of eventIds) {
    const known = log.idCache.lookup(id);
    if (!known || known.streamName !== streamName) {
      // An unknown first id is simply a new write; a gap after known ids is the server's "corrupted idempotency".
      return first ? { outcome: 'wrong_expected_version', current: log.lastRevision(streamName) } : undefined;
    }
    first ??= known;
    last = known;
  }
  return last ? { outcome: 'idempotent', lastRevision: last.revision, position: last.position } : undefined;
}

/** Idempotency for an exact revision below current (or `no_stream` on an existing stream): compare with stored ids. */
function checkStoredIds(log: EventLog, streamName: string, expected: bigint, current: bigint, eventIds: readonly string[]): CommitCheck {
  const wrong: CommitCheck = { outcome: 'wrong_expected_version', current };
  if (eventIds.length === 0) return wrong;
  let lastMatched: { revision: bigint; position: bigint } | undefined;
  for (const [offset, id] of eventIds.entries()) {
    const stored = log.eventAt(streamName, expected + 1n + BigInt(offset));
    if (!stored || stored.id !== id) return wrong;
    lastMatched = stored;
  }
  return lastMatched ? { outcome: 'idempotent', lastRevision: lastMatched.revision, position: lastMatched.position } : wrong;
}
