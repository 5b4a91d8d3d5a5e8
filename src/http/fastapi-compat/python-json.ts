/**
 * A JSON reader that fails like CPython's `json.loads` (3.13): same messages, same positions
 * (in code points). The original answers malformed JSON with 422 `json_invalid` at
 * `loc: ["body", <position>]`, so the position is part of the contract. It also accepts what
 * Python accepts beyond RFC 8259 (NaN, Infinity).
 */
export type PythonJsonResult =
  | { ok: true; value: unknown }
  | { ok: false; message: string; position: number }
  | { ok: false; tooDeep: true };

/**
 * CPython's decoder gives up on deep nesting with a RecursionError (at a depth that depends on
 * its C stack), which FastAPI answers with 400; the limit here keeps the 422 that echoes such a
 * body within what JSON.stringify can write.
 */
export const MAX_JSON_DEPTH = 1000;

class DecodeError {
  constructor(readonly message: string, readonly index: number) {}
}

class TooDeep {}

/** Python's StopIteration from `scan_once`: no value starts at `index`. */
class NoValue {
  constructor(readonly index: number) {}
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const CONSTANTS: ReadonlyArray<[string, unknown]> = [
  ['null', null], ['true', true], ['false', false], ['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity],
];

export function parsePythonJson(text: string): PythonJsonResult {
  if (nestingDepth(text) <= MAX_JSON_DEPTH) {
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch {
      // JSON.parse gives no usable position; re-read the text the way Python does.
    }
  }
  try {
    const [value, end] = scanValue(text, skipWhitespace(text, 0), 0);
    const rest = skipWhitespace(text, end);
    if (rest !== text.length) throw new DecodeError('Extra data', rest);
    return { ok: true, value };
  } catch (error) {
    if (error instanceof TooDeep) return { ok: false, tooDeep: true };
    const failure = error instanceof NoValue ? new DecodeError('Expecting value', error.index) : error;
    if (!(failure instanceof DecodeError)) throw error;
    return { ok: false, message: failure.message, position: Array.from(text.slice(0, failure.index)).length };
  }
}

/** The deepest bracket nesting outside strings; the scanner decides what malformed text means. */
function nestingDepth(s: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < s.length; i++) {
    const char = s[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '[' || char === '{') deepest = Math.max(deepest, ++depth);
    else if (char === ']' || char === '}') depth--;
  }
  return deepest;
}

function skipWhitespace(s: string, index: number): number {
  let i = index;
  while (i < s.length && WHITESPACE.has(s[i] as string)) i++;
  return i;
}

function scanValue(s: string, index: number, depth: number): [unknown, number] {
  if (index >= s.length) throw new NoValue(index);
  const char = s[index];
  if (char === '"') return scanString(s, index + 1);
  if ((char === '{' || char === '[') && depth >= MAX_JSON_DEPTH) throw new TooDeep();
  if (char === '{') return scanObject(s, index + 1, depth + 1);
  if (char === '[') return scanArray(s, index + 1, depth + 1);
  for (const [word, value] of CONSTANTS) if (s.startsWith(word, index)) return [value, index + word.length];
  NUMBER.lastIndex = index;
  const match = NUMBER.exec(s);
  if (!match) throw new NoValue(index);
  return [Number(match[0]), index + match[0].length];
}

function scanObject(s: string, start: number, depth: number): [Record<string, unknown>, number] {
  const result: Record<string, unknown> = {};
  let i = skipWhitespace(s, start);
  if (s[i] === '}') return [result, i + 1];
  for (;;) {
    if (s[i] !== '"') throw new DecodeError('Expecting property name enclosed in double quotes', i);
    const [key, afterKey] = scanString(s, i + 1);
    i = skipWhitespace(s, afterKey);
    if (s[i] !== ':') throw new DecodeError("Expecting ':' delimiter", i);
    const [value, afterValue] = scanValue(s, skipWhitespace(s, i + 1), depth);
    result[key] = value;
    i = skipWhitespace(s, afterValue);
    if (s[i] === '}') return [result, i + 1];
    if (s[i] !== ',') throw new DecodeError("Expecting ',' delimiter", i);
    const comma = i;
    i = skipWhitespace(s, i + 1);
    if (s[i] === '}') throw new DecodeError('Illegal trailing comma before end of object', comma);
  }
}

function scanArray(s: string, start: number, depth: number): [unknown[], number] {
  const result: unknown[] = [];
  let i = skipWhitespace(s, start);
  if (s[i] === ']') return [result, i + 1];
  for (;;) {
    const [value, afterValue] = scanValue(s, i, depth);
    result.push(value);
    i = skipWhitespace(s, afterValue);
    if (s[i] === ']') return [result, i + 1];
    if (s[i] !== ',') throw new DecodeError("Expecting ',' delimiter", i);
    const comma = i;
    i = skipWhitespace(s, i + 1);
    if (s[i] === ']') throw new DecodeError('Illegal trailing comma before end of array', comma);
  }
}

/** `start` is just after the opening quote; returns the string and the index after the closing one. */
function scanString(s: string, start: number): [string, number] {
  const begin = start - 1;
  let out = '';
  let i = start;
  for (;;) {
    let next = i;
    while (next < s.length && s[next] !== '"' && s[next] !== '\\') {
      if ((s.charCodeAt(next) as number) <= 0x1f) throw new DecodeError('Invalid control character at', next);
      next++;
    }
    if (next >= s.length) throw new DecodeError('Unterminated string starting at', begin);
    out += s.slice(i, next);
    if (s[next] === '"') return [out, next + 1];
    const escape = s[next + 1];
    if (escape === undefined) throw new DecodeError('Unterminated string starting at', begin);
    if (escape !== 'u') {
      const decoded = ESCAPES[escape];
      if (decoded === undefined) throw new DecodeError('Invalid \\escape', next);
      out += decoded;
      i = next + 2;
      continue;
    }
    const [unit, afterUnit] = readHex4(s, next + 2);
    out += String.fromCharCode(unit);
    i = afterUnit;
  }
}

function readHex4(s: string, start: number): [number, number] {
  const digits = s.slice(start, start + 4);
  if (start + 4 >= s.length || !/^[0-9a-fA-F]{4}$/.test(digits)) throw new DecodeError('Invalid \\uXXXX escape', start - 1);
  return [parseInt(digits, 16), start + 4];
}
