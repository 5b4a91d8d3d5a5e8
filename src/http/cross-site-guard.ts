import type { Request, RequestHandler } from 'express';
import { isJsonContentType } from './request-body';
import { RefusedRequestError } from './refused-request';

export interface CrossSiteSettings {
  /** Origins (`https://app.example.com`) whose pages may send unsafe requests with the user's cookie. */
  readonly allowedOrigins: readonly string[];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The defence against cross-site request forgery for a cookie-authenticated API. A browser
 * sends a cross-site POST without a preflight only with a "simple" content type (text/plain,
 * a form, or none at all: `sendBeacon`, `fetch` in `no-cors` mode), so an unsafe request with a
 * body must say it is JSON (415 otherwise). Browsers also say where a request comes from
 * (`Sec-Fetch-Site`, `Origin`): another site is refused (403) unless its origin is allowed.
 * Scripts and servers send neither header and are not affected. Safe methods change nothing,
 * and without CORS headers the other site cannot read their answers.
 */
export function crossSiteGuard(settings: CrossSiteSettings): RequestHandler {
  const allowed = new Set(settings.allowedOrigins.map((origin) => origin.toLowerCase()));
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) {
      next();
      return;
    }
    if (comesFromAnotherSite(req, allowed)) {
      next(new RefusedRequestError(403, 'request.cross_site', 'Cross-site requests are not allowed.'));
      return;
    }
    if (hasBody(req) && !isDeclaredJson(req.headers['content-type'])) {
      next(new RefusedRequestError(415, 'request.unsupported_media_type', "Unsupported media type: send the body as 'application/json'."));
      return;
    }
    next();
  };
}

function comesFromAnotherSite(req: Request, allowed: ReadonlySet<string>): boolean {
  const origin = req.headers.origin?.toLowerCase();
  if (origin !== undefined && allowed.has(origin)) return false;
  if (req.headers['sec-fetch-site'] === 'cross-site') return true;
  // `Origin: null` (a sandboxed frame, a file, a redirect across origins) is another site too.
  return origin !== undefined && !isOwnOrigin(origin, req.headers.host);
}

/** The service's own pages: the origin's host and port are the ones the request was sent to. */
function isOwnOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  const authority = /^https?:\/\/([^/]+)$/.exec(origin)?.[1];
  return authority !== undefined && authority === host.toLowerCase();
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Here a missing content type is not JSON (FastAPI would parse it as JSON): a beacon sends none. */
function isDeclaredJson(contentType: string | undefined): boolean {
  return contentType !== undefined && isJsonContentType(contentType);
}
