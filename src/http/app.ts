import { readFileSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../shared/clock';
import { PROJECT_ROOT } from '../shared/project-root';
import { crossSiteGuard } from './cross-site-guard';
import { mountDocs } from './docs';
import { errorMiddleware, UNAVAILABLE } from './error-middleware';
import { fallback, lenientPathDecoding, type KnownRoute } from './fastapi-compat';
import { sendJson } from './json-response';
import { buildOpenApiDocument, type ApiInfo } from './openapi';
import { requestContext } from './request-context';
import type { Authenticate, AuthenticatedCaller, RouteDefinition } from './route-definition';
import { labelRoute, requestMetrics, type ServedMetrics } from './request-metrics';
import { mountRoutes } from './route-runner';
import { securityHeaders } from './security-headers';
import type { CookieSettings } from './session-cookie';

export interface AppDependencies<C extends AuthenticatedCaller> {
  /** Every feature's routes, as data: they mount the handlers, the OpenAPI document and the fallback. */
  routes: readonly RouteDefinition<C>[];
  /** Who calls: resolves the session cookie's token for each route's auth mode. */
  authenticate: Authenticate<C>;
  logger: Logger;
  clock: Clock;
  cookies: CookieSettings;
  /** Origins of other sites whose pages may send unsafe requests (the cross-site guard); none by default. */
  allowedOrigins?: readonly string[];
  /** Largest accepted request body; larger ones get 413. */
  bodyLimitBytes: number;
  /**
   * Readiness probe behind `GET /api/v1/ready`: the reasons the service cannot serve now, empty
   * when it can (503 with them otherwise; a probe that throws is mapped like any error).
   */
  ready?: () => Promise<readonly string[]>;
  /** The projections' status document behind `GET /api/v1/health/projections` (as `projections status --json` prints it). */
  projectionStatus?: () => Promise<unknown>;
  /** Served at `GET /metrics`, with the requests' durations added; no metrics and no route without it. */
  metrics?: ServedMetrics;
  /** Proxies whose X-Forwarded-For is believed (express's `trust proxy`); none by default. */
  trustedProxies?: readonly string[];
  /** Defaults to this package's name and version. */
  apiInfo?: ApiInfo;
}

// Read at run time rather than imported: an imported package.json would be copied into dist/,
// where it would pass for the project root (config/ and var/ are found beside package.json).
const packageJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

const DEFAULT_INFO: ApiInfo = {
  title: packageJson.name,
  version: packageJson.version,
  description: 'Event-sourced users and accounts, REST-compatible with the FastAPI hexagonal template.',
};

export function createApp<C extends AuthenticatedCaller>(deps: AppDependencies<C>): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.set('trust proxy', deps.trustedProxies !== undefined && deps.trustedProxies.length > 0 ? [...deps.trustedProxies] : false);

  const { routes } = deps;
  const info = deps.apiInfo ?? DEFAULT_INFO;
  const known: KnownRoute[] = [
    { method: 'get', path: '/' },
    { method: 'get', path: '/api/v1/health' },
    { method: 'get', path: '/docs' },
    { method: 'get', path: '/redoc' },
    { method: 'get', path: '/openapi.json' },
    ...(deps.ready ? [{ method: 'get', path: '/api/v1/ready' }] : []),
    ...(deps.projectionStatus ? [{ method: 'get', path: '/api/v1/health/projections' }] : []),
    ...(deps.metrics ? [{ method: 'get', path: '/metrics' }] : []),
    ...routes,
  ];

  const metrics = deps.metrics;
  if (metrics) app.use(requestMetrics(metrics.registry));
  app.use(requestContext(deps.logger));
  app.use(securityHeaders({ secureCookies: deps.cookies.secure }));
  app.use(lenientPathDecoding());
  // Before any route: a forged request must not even renew a session.
  app.use(crossSiteGuard({ allowedOrigins: deps.allowedOrigins ?? [] }));

  // Starlette matches paths exactly: `/users` and `/users/` are different routes.
  const router = express.Router({ strict: true, caseSensitive: true });
  router.get('/', (_req, res) => {
    res.status(307).setHeader('Location', 'docs/');
    res.end();
  });
  router.get('/api/v1/health', (_req, res) => sendJson(res, 200, { status: 'ok' }));
  const ready = deps.ready;
  if (ready) {
    router.get('/api/v1/ready', async (_req, res) => {
      const problems = await ready();
      if (problems.length === 0) sendJson(res, 200, { status: 'ready' });
      else sendJson(res, 503, { ...UNAVAILABLE, problems });
    });
  }
  const projectionStatus = deps.projectionStatus;
  if (projectionStatus) {
    router.get('/api/v1/health/projections', async (_req, res) => {
      sendJson(res, 200, { projections: await projectionStatus() });
    });
  }
  if (metrics) router.get('/metrics', (_req, res) => metrics.send(res));
  mountRoutes(router, routes, {
    authenticate: deps.authenticate,
    clock: deps.clock,
    cookies: deps.cookies,
    bodyLimitBytes: deps.bodyLimitBytes,
    logger: deps.logger,
  });
  router.use('/docs', labelRoute('/docs/{asset}'));
  mountDocs(router, buildOpenApiDocument(routes, info, { ready: ready !== undefined, projectionStatus: projectionStatus !== undefined }), info.title);
  // What reaches the fallback was answered by no route: its metrics say `unmatched`.
  router.use(labelRoute(undefined));
  // Inside the router, so that express's automatic OPTIONS reply never runs.
  router.use(fallback(known));
  app.use(router);
  app.use(errorMiddleware(deps.logger));
  return app;
}
