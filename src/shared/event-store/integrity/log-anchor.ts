import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { EventStore, GlobalPosition, RecordedEvent, StreamRevision } from '../event-store';
import { StreamDeletedError } from '../event-store';
import type { Finding, StreamHead } from './chain-verification';
import { isSessionStreamDigestName, sessionStreamDigestName } from '../../session-stream-mask';
import { chainHeadOf } from './event-chain';

/**
 * Version 2 names session streams by digest (`sessionStreamDigestName`): version 1 wrote their
 * ids, a key to each session, into a file meant to be copied outside the system. Both are read.
 */
export const ANCHOR_FORMAT = 'userledger-anchor/2';
const READABLE_FORMATS: readonly string[] = ['userledger-anchor/1', ANCHOR_FORMAT];

export interface AnchoredStream {
  readonly stream: string;
  readonly revision: string;
  readonly hash: string | null;
}

/**
 * Every stream's head at a moment, to be kept outside the system (ADR 0008). `digest` is the
 * SHA-256 of the canonical JSON of the rest: the one value to write down or publish.
 */
export interface LogAnchor {
  readonly format: string;
  readonly createdAt: string;
  /** The last log position read when it was taken; null for an empty log. */
  readonly position: string | null;
  readonly streams: readonly AnchoredStream[];
  readonly digest: string;
}

/** The anchor file is not one, or its content does not match its digest. */
export class AnchorFileError extends Error {
  override readonly name = 'AnchorFileError';
}

export function anchorOf(heads: Iterable<[string, StreamHead]>, position: GlobalPosition | undefined, createdAt: Date): LogAnchor {
  const streams = [...heads]
    .map(([stream, head]) => ({ stream: sessionStreamDigestName(stream), revision: head.revision.toString(), hash: head.hash }))
    .sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
  const body = { format: ANCHOR_FORMAT, createdAt: createdAt.toISOString(), position: position?.toString() ?? null, streams } as const;
  return { ...body, digest: digestOf(body) };
}

/** The anchor in a file's text, checked against its own digest. */
export function parseAnchor(text: string): LogAnchor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AnchorFileError('it is not JSON');
  }
  if (!isAnchorShape(parsed)) throw new AnchorFileError(`it is not a ${READABLE_FORMATS.join(' or ')} document`);
  const { digest, ...body } = parsed;
  if (digestOf(body) !== digest) throw new AnchorFileError('its content does not match its digest: the file was altered');
  return parsed;
}

/**
 * Compares each anchored head with its stream as a reader sees it now (a stream read, which on
 * EventStoreDB honours deletes and truncation that the global log still shows until a scavenge).
 * Streams created since the anchor are not its concern. A session stream anchored by digest is
 * found through `streamNamed`, which a walk of the log fills; one it does not know is gone.
 */
export async function checkAnchor(
  store: EventStore,
  anchor: LogAnchor,
  options: {
    readonly concurrency?: number;
    readonly onProgress?: (checked: number) => void;
    readonly streamNamed?: (anchoredName: string) => string | undefined;
  } = {},
): Promise<Finding[]> {
  const findings: Finding[] = [];
  let next = 0;
  let checked = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < anchor.streams.length; index = next++) {
      const anchored = anchor.streams[index] as AnchoredStream;
      const streamName = isSessionStreamDigestName(anchored.stream) ? options.streamNamed?.(anchored.stream) : anchored.stream;
      const finding = await checkStream(store, anchored, streamName);
      if (finding !== undefined) findings.push(finding);
      if (++checked % 1000 === 0) options.onProgress?.(checked);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return findings.sort((a, b) => (a.streamName < b.streamName ? -1 : a.streamName > b.streamName ? 1 : 0));
}

/** Findings name the stream as the anchor does, so that no session id comes out of the check. */
async function checkStream(store: EventStore, anchored: AnchoredStream, stored: string | undefined): Promise<Finding | undefined> {
  const revision: StreamRevision = BigInt(anchored.revision);
  const streamName = anchored.stream;
  let events: RecordedEvent[] = [];
  try {
    if (stored !== undefined) events = await store.readStream(stored, { direction: 'backwards', fromRevision: revision, maxCount: 1 });
  } catch (error) {
    if (!(error instanceof StreamDeletedError)) throw error;
  }
  const [event] = events;
  if (event === undefined) return { kind: 'stream_deleted', streamName, revision, detail: `the stream is gone; the anchor has it at revision ${revision}` };
  if (event.revision < revision) {
    return {
      kind: 'stream_truncated',
      streamName,
      revision: event.revision + 1n,
      toRevision: revision,
      detail: `the stream ends at revision ${event.revision}; the anchor has it at revision ${revision}: its last events were cut`,
    };
  }
  if (anchored.hash !== null && chainHeadOf(event.metadata) !== anchored.hash) {
    return { kind: 'history_changed', streamName, revision, position: event.position, detail: 'the event at the anchored revision is not the one anchored: the stream was rewritten' };
  }
  return undefined;
}

function digestOf(body: Omit<LogAnchor, 'digest'>): string {
  return createHash('sha256').update(canonicalize(body) ?? '', 'utf8').digest('hex');
}

function isAnchorShape(value: unknown): value is LogAnchor {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.format === 'string' &&
    READABLE_FORMATS.includes(candidate.format) &&
    typeof candidate.createdAt === 'string' &&
    (candidate.position === null || (typeof candidate.position === 'string' && /^\d+$/.test(candidate.position))) &&
    typeof candidate.digest === 'string' &&
    Array.isArray(candidate.streams) &&
    candidate.streams.every(isAnchoredStream)
  );
}

function isAnchoredStream(value: unknown): value is AnchoredStream {
  if (typeof value !== 'object' || value === null) return false;
  const { stream, revision, hash } = value as Record<string, unknown>;
  return typeof stream === 'string' && typeof revision === 'string' && /^\d+$/.test(revision) && (hash === null || (typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash)));
}
