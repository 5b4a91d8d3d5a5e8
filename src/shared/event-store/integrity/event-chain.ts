import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * The hash chain of a stream (ADR 0008). Each event's metadata carries `chain: { prev, hash }`:
 * `hash` is the SHA-256 of the RFC 8785 canonical JSON of the event's type, its data and its
 * metadata as stored (without `chain`), and `prev`, the hash of the event before it in its
 * stream (null for the first event, and for the first one chained after unchained events).
 */
export const CHAIN_KEY = 'chain';

export interface EventChain {
  readonly prev: string | null;
  readonly hash: string;
}

/** What a hash covers: the event as stored, whatever encrypts or upcasts it elsewhere. */
export interface ChainedContent {
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;

export function eventHash(event: ChainedContent, prev: string | null): string {
  const text = canonicalize({ type: event.type, data: event.data ?? null, metadata: metadataWithoutChain(event.metadata), prev });
  if (text === undefined) throw new TypeError('An event with nothing to hash.');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The chain link an event carries: 'unchained' when it has none (written before the chain
 * existed), 'malformed' when its metadata has a `chain` that is not a link (an edit).
 */
export function chainOf(metadata: unknown): EventChain | 'unchained' | 'malformed' {
  if (!isRecord(metadata) || !(CHAIN_KEY in metadata)) return 'unchained';
  const chain = metadata[CHAIN_KEY];
  if (!isRecord(chain)) return 'malformed';
  const { prev, hash } = chain;
  if (typeof hash !== 'string' || !HEX_SHA256.test(hash)) return 'malformed';
  if (prev !== null && (typeof prev !== 'string' || !HEX_SHA256.test(prev))) return 'malformed';
  return { prev, hash };
}

/** The hash an event's successor chains to: its own, or null when it carries none. */
export function chainHeadOf(metadata: unknown): string | null {
  const chain = chainOf(metadata);
  return typeof chain === 'object' ? chain.hash : null;
}

/** A value exactly as a JSON store gives it back: `undefined` dropped, dates as strings. */
export function asStored(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null)) as unknown;
}

function metadataWithoutChain(metadata: unknown): unknown {
  if (!isRecord(metadata)) return metadata ?? null;
  const { [CHAIN_KEY]: _link, ...rest } = metadata;
  return rest;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
