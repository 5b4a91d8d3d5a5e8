import type { RequestHandler } from 'express';

/**
 * Starlette routes the path as Python's `urllib.parse.unquote` leaves it: a `%` without two hex
 * digits stays literal, and bytes that are not UTF-8 become U+FFFD. Express fails (500) on a path
 * parameter it cannot decode, so such segments are rewritten, before routing, into the
 * well-formed form of what Starlette would see: `/users/%zz/x` reaches the route as `%zz`.
 */
export function lenientPathDecoding(): RequestHandler {
  return (req, _res, next) => {
    const queryStart = req.url.indexOf('?');
    const path = queryStart === -1 ? req.url : req.url.slice(0, queryStart);
    const segments = path.split('/');
    if (!segments.every(decodable)) {
      const query = queryStart === -1 ? '' : req.url.slice(queryStart);
      req.url = segments.map((segment) => (decodable(segment) ? segment : encodeURIComponent(unquote(segment)))).join('/') + query;
    }
    next();
  };
}

function decodable(segment: string): boolean {
  if (!segment.includes('%')) return true;
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

/** Python's `unquote(segment, errors='replace')`. */
function unquote(segment: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < segment.length; ) {
    const hex = segment.slice(i + 1, i + 3);
    if (segment[i] === '%' && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 3;
      continue;
    }
    const character = String.fromCodePoint(segment.codePointAt(i) as number);
    bytes.push(...Buffer.from(character, 'utf8'));
    i += character.length;
  }
  return Buffer.from(bytes).toString('utf8');
}
