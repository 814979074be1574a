import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { MetricsService } from './metrics.service';

/**
 * Observes every request's latency, labelled by route pattern (never the raw path). A plain
 * Express middleware, installed by configureApp ahead of Nest's router: it runs on every
 * request, so it skips the per-route proxy Nest wraps around its own middleware.
 */
export function httpMetrics(metrics: MetricsService): RequestHandler {
  return (request: Request, response: Response, next: NextFunction): void => {
    const start = process.hrtime.bigint();
    response.once('finish', () => {
      const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      metrics.httpDuration.observe(
        {
          method: request.method,
          route: `${request.baseUrl}${route}`,
          status: String(response.statusCode),
        },
        seconds,
      );
    });
    next();
  };
}
