import { ValidationError } from '../shared/errors';
import type { JsonSchema } from './request-validation';
import type { ResponseHeaderDocs } from './route-definition';

export const ETAG_HEADER = 'ETag';
export const IF_MATCH_HEADER = 'If-Match';

/** A stream's revision as a strong ETag: the same on every event store, as revisions are. */
export function revisionETag(revision: bigint): string {
  return `"${revision.toString()}"`;
}

export function etagHeader(revision: bigint): Readonly<Record<string, string>> {
  return { [ETAG_HEADER]: revisionETag(revision) };
}

/** 400: an `If-Match` that is not `*` nor a list of entity tags; answering 412 would send the client after a change that never happened. */
export class InvalidIfMatchError extends ValidationError {
  constructor() {
    super('request.invalid_if_match', 'If-Match must be * or a list of quoted entity tags, e.g. "3".');
  }
}

// RFC 9110 entity-tag: an optional weak prefix, then a quoted string of visible characters but the quote.
const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;
const REVISION = /^(0|[1-9][0-9]{0,18})$/;

/**
 * The revisions an `If-Match` header allows a write at: undefined when there is no header or it
 * is `*` (any existing resource, which the write requires anyway). Weak tags and tags this
 * service never issued are well-formed but match nothing (If-Match compares strongly), so a list
 * of only those leaves no revision: the write answers 412.
 */
export function revisionsOfIfMatch(header: string | undefined): readonly bigint[] | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return undefined;
  const elements = value.split(',').map((element) => element.trim()).filter((element) => element !== '');
  if (elements.length === 0) throw new InvalidIfMatchError();
  const revisions: bigint[] = [];
  for (const element of elements) {
    const tag = ENTITY_TAG.exec(element);
    if (tag === null) throw new InvalidIfMatchError();
    const [, weak, opaque = ''] = tag;
    if (weak === undefined && REVISION.test(opaque)) revisions.push(BigInt(opaque));
  }
  return revisions;
}

const ETAG_SCHEMA: JsonSchema = { type: 'string', pattern: '^"[0-9]+"$' };

export const etagHeaderDoc: ResponseHeaderDocs = {
  [ETAG_HEADER]: {
    description: "The user stream's revision after this request, as a strong entity tag (`\"3\"`); send it back as `If-Match` to write only while nothing has changed.",
    schema: ETAG_SCHEMA,
  },
};

export const ifMatchHeaderDoc = {
  [IF_MATCH_HEADER]: {
    description:
      'Optional. Write only while the user is at this revision: the `ETag` of `GET /api/v1/users/{user_id}` or of an earlier write (`"3"`), ' +
      'or a comma-separated list of them; `*` matches any existing user. A user that has changed since answers 412 `user.revision_mismatch`, ' +
      'with no retry (also when a concurrent write wins the race); weak tags (`W/"3"`) never match. A malformed value answers 400 ' +
      '`request.invalid_if_match`. Without it the write behaves as it always has (never 428).',
    schema: { type: 'string' },
  },
};
