import type { RequestHandler } from 'express';
import helmet from 'helmet';

export interface SecurityHeaderSettings {
  /** HSTS only then: over plain HTTP it would be ignored, and a wrong one locks a host out of HTTP for a year. */
  readonly secureCookies: boolean;
}

/** The pages of `/docs` and `/redoc` (not the API): they run scripts, so they get a policy of their own. */
export const isDocumentationPath = (path: string): boolean => path === '/docs' || path.startsWith('/docs/') || path === '/redoc';

/** ReDoc is not a dependency: its pinned bundle comes from the CDN with an integrity hash (docs.ts). */
export const REDOC_CDN = 'https://cdn.jsdelivr.net';

/** The API answers JSON only: nothing may load, run, frame it or be submitted from it. */
const API_POLICY = {
  useDefaults: false,
  directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
} as const;

/**
 * Swagger UI's scripts and styles are served from the swagger-ui-dist package (`'self'`), its
 * start script included (no inline script); it renders inline styles and data: images, and
 * fetches `/openapi.json`. ReDoc adds its bundle from the CDN and a worker from a blob.
 */
const DOCS_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'", REDOC_CDN],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    workerSrc: ["'self'", 'blob:'],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
  },
} as const;

/**
 * Headers on every response: helmet's defaults (nosniff, no framing, a referrer policy, …), a
 * content security policy per kind of page, HSTS with secure cookies only, and
 * `Cache-Control: no-store`, as responses carry sessions and user data (the docs' assets too:
 * they are small, and one rule is easier to trust than a list).
 */
export function securityHeaders(settings: SecurityHeaderSettings): RequestHandler {
  const common = helmet({
    contentSecurityPolicy: false,
    strictTransportSecurity: settings.secureCookies ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    xFrameOptions: { action: 'deny' },
  });
  const apiPolicy = helmet.contentSecurityPolicy(API_POLICY);
  const docsPolicy = helmet.contentSecurityPolicy(DOCS_POLICY);
  return (req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    common(req, res, (error?: unknown) => {
      if (error !== undefined) {
        next(error);
        return;
      }
      (isDocumentationPath(req.path) ? docsPolicy : apiPolicy)(req, res, next);
    });
  };
}
