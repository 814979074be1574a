import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Signet's Prometheus metrics, in a registry of its own (one per app instance). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly tokensIssued = new Counter({
    name: 'signet_tokens_issued_total',
    help: 'Access tokens issued, by grant',
    labelNames: ['grant'] as const,
    registers: [this.registry],
  });

  // Labelled by client: clients are registered by an admin, so the label set stays small.
  readonly tokenRequestsRateLimited = new Counter({
    name: 'signet_token_requests_rate_limited_total',
    help: 'Token requests refused with 429 by the per-client rate limit, by client',
    labelNames: ['client_id'] as const,
    registers: [this.registry],
  });

  readonly tokenRateLimitErrors = new Counter({
    name: 'signet_token_rate_limit_errors_total',
    help: 'Token requests served unthrottled because the rate-limit store (Redis) failed',
    registers: [this.registry],
  });

  readonly tokenVerifications = new Counter({
    name: 'signet_token_verifications_total',
    help: 'Access-token verifications at protected routes, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly keyRotations = new Counter({
    name: 'signet_key_rotations_total',
    help: 'Signing-key rotations',
    registers: [this.registry],
  });

  readonly loginFailures = new Counter({
    name: 'signet_login_failures_total',
    help: 'Failed logins, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'signet_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'signet_' });
  }
}
