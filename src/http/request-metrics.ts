import type { Request, RequestHandler, Response } from 'express';
import type { ServerResponse } from 'node:http';
import { Histogram, type Registry } from 'prom-client';

/** What the kit needs of a process's metrics: the registry its request histogram joins, and the scrape. */
export interface ServedMetrics {
  readonly registry: Registry;
  send(response: ServerResponse): Promise<void>;
}

/** The `route` label of a request that no route took (404s, 405s, trailing-slash redirects). */
export const UNMATCHED_ROUTE = 'unmatched';

const HISTOGRAM = 'http_request_duration_seconds';

interface MetricsLocals {
  metricsRoute?: string;
}

/**
 * Times every request into `http_request_duration_seconds{method,route,status}`. `route` is the
 * template of the route that answered (`/api/v1/users/{user_id}/activation`), never the path as
 * sent, so ids and hostile paths cannot grow the number of series.
 */
export function requestMetrics(registry: Registry): RequestHandler {
  const histogram =
    (registry.getSingleMetric(HISTOGRAM) as Histogram<'method' | 'route' | 'status'> | undefined) ??
    new Histogram({
      name: HISTOGRAM,
      help: 'Time from receiving a request to the end of its response, by method, route template and status.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    });
  return (req, res, next) => {
    const stop = histogram.startTimer();
    res.on('finish', () => stop({ method: req.method, route: routeOf(req, res), status: String(res.statusCode) }));
    next();
  };
}

/**
 * Names the requests that the handlers mounted after it with `use` answer (static files), which
 * have no route template; `undefined` takes the name back from requests that they pass on.
 */
export function labelRoute(route: string | undefined): RequestHandler {
  return (_req, res, next) => {
    (res.locals as MetricsLocals).metricsRoute = route;
    next();
  };
}

function routeOf(req: Request, res: Response): string {
  const template: unknown = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof template === 'string') return template.replace(/:(\w+)/g, '{$1}');
  const labelled = (res.locals as MetricsLocals).metricsRoute;
  return labelled ?? UNMATCHED_ROUTE;
}
