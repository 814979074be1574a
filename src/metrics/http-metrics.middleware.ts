import type { FastifyReply, FastifyRequest } from 'fastify';
import { MetricsService } from './metrics.service';

/**
 * Observes every request's latency, labelled by route pattern (never the raw path): a Fastify
 * onResponse hook, installed by configureApp, so it sees every answer, errors included.
 */
export function httpMetrics(
  metrics: MetricsService,
): (request: FastifyRequest, reply: FastifyReply, done: () => void) => void {
  return (request, reply, done) => {
    metrics.httpDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  };
}
