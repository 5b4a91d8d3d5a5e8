import type { RequestHandler } from 'express';
import { FrameworkHttpError } from '../request-validation-error';

export interface KnownRoute {
  method: string;
  /** OpenAPI form, `{name}` for a path parameter. */
  path: string;
}

interface PathPattern {
  pattern: RegExp;
  methods: Set<string>;
}

/**
 * What Starlette answers when no route took the request: 405 when the path exists with other
 * methods, else a 307 to the same URL with the trailing slash toggled when that one exists,
 * else 404. Bodies keep FastAPI's `{"detail": ...}` shape. Unlike Starlette, the redirect's
 * `Location` is relative: built from the `Host` header, it would send clients wherever a
 * forged header says (and toggled paths always start with a known route, never `//`).
 */
export function fallback(routes: readonly KnownRoute[]): RequestHandler {
  const patterns = new Map<string, PathPattern>();
  for (const route of routes) {
    const entry = patterns.get(route.path) ?? { pattern: toPattern(route.path), methods: new Set<string>() };
    entry.methods.add(route.method.toUpperCase());
    if (route.method.toUpperCase() === 'GET') entry.methods.add('HEAD');
    patterns.set(route.path, entry);
  }
  const find = (path: string): PathPattern | undefined => [...patterns.values()].find(({ pattern }) => pattern.test(path));

  return (req, res, next) => {
    const path = req.path;
    const known = find(path);
    if (known) {
      next(new FrameworkHttpError(405, 'Method Not Allowed', { Allow: [...known.methods].join(', ') }));
      return;
    }
    if (path !== '/') {
      const toggled = path.endsWith('/') ? withoutTrailingSlashes(path) : `${path}/`;
      if (find(toggled)) {
        const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
        res.status(307).setHeader('Location', `${toggled}${query}`);
        res.end();
        return;
      }
    }
    next(new FrameworkHttpError(404, 'Not Found'));
  };
}

/** A scan from the end: the regular expression `/\/+$/` backtracks quadratically on a long run of slashes. */
function withoutTrailingSlashes(path: string): string {
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 0x2f) end--;
  return path.slice(0, end);
}

function toPattern(path: string): RegExp {
  const source = path
    .split(/(\{\w+\})/)
    .map((part) => (/^\{\w+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}
