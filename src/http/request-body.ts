import { parsePythonJson } from './fastapi-compat';
import { FrameworkHttpError, RequestValidationError } from './request-validation-error';

/** The body as FastAPI hands it to validation: nothing, parsed JSON, or raw bytes. */
export type DecodedBody = { kind: 'absent' } | { kind: 'json'; value: unknown } | { kind: 'bytes'; bytes: Buffer };

/** FastAPI's reply when reading the body fails other than as a JSONDecodeError. */
const UNPARSABLE = 'There was an error parsing the body';

/**
 * FastAPI parses the body as JSON when the content type is `application/json` or
 * `application/*+json`, or when there is no content type at all; any other type reaches
 * validation as bytes. An empty body, or JSON `null`, counts as no body.
 */
export function decodeBody(raw: unknown, contentType: string | undefined): DecodedBody {
  if (!Buffer.isBuffer(raw) || raw.length === 0) return { kind: 'absent' };
  if (!isJsonContentType(contentType)) return { kind: 'bytes', bytes: raw };
  const text = decodeUtf8(raw.subarray(hasUtf8Bom(raw) ? 3 : 0));
  if (text === undefined) throw new FrameworkHttpError(400, UNPARSABLE);
  const parsed = parsePythonJson(text);
  if (!parsed.ok && 'tooDeep' in parsed) throw new FrameworkHttpError(400, UNPARSABLE);
  if (!parsed.ok) {
    throw new RequestValidationError([
      { type: 'json_invalid', loc: ['body', parsed.position], msg: 'JSON decode error', input: {}, ctx: { error: parsed.message } },
    ]);
  }
  return parsed.value === null ? { kind: 'absent' } : { kind: 'json', value: parsed.value };
}

export function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
  const mediaType = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  const [type, subtype] = mediaType.includes('/') ? mediaType.split('/', 2) : ['text', 'plain'];
  return type === 'application' && (subtype === 'json' || (subtype ?? '').endsWith('+json'));
}

function hasUtf8Bom(bytes: Buffer): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}
