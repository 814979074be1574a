import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { TooManyAttemptsError } from '../common/errors/signet.errors';
import { SignetConfig } from '../config/signet-config';
import { MetricsService } from '../metrics/metrics.service';

const THROTTLER_NAME = 'token';

/**
 * A socket error's message, or its code: Node's AggregateError (IPv4 and IPv6 both refused) has
 * no message. Duck-typed: errors from another realm (Jest's sandbox) are not `instanceof Error`.
 */
function messageOf(error: unknown): string {
  const { message, code } = (typeof error === 'object' && error !== null ? error : {}) as {
    message?: unknown;
    code?: unknown;
  };
  if (typeof message === 'string' && message !== '') {
    return message;
  }
  return typeof code === 'string' ? code : String(error);
}

/** 429 too_many_requests; the exception filter writes Retry-After for every TooManyAttemptsError. */
class TokenRateLimitedError extends TooManyAttemptsError {
  constructor(retryAfterSeconds: number) {
    super(retryAfterSeconds);
    // The parent's message speaks of failed attempts; these requests all succeeded.
    this.message = 'Too many token requests for this client; try again later';
  }
}

/**
 * Issue 7: at most TOKEN_RATE_LIMIT requests per client per TOKEN_RATE_WINDOW at POST
 * /oauth/token. Called once the client has authenticated, so failed attempts never spend a
 * victim's quota. The counters are @nestjs/throttler storage: this process's memory (the limit
 * applies per instance), or Redis with REDIS_URL (one counter shared by every instance). Windows
 * run on real time (the storage's clock, or Redis's), not on the injected Clock.
 */
@Injectable()
export class TokenRateLimitService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(TokenRateLimitService.name);
  private storage: ThrottlerStorage | undefined;
  private memory: ThrottlerStorageService | undefined;
  private redis: Redis | undefined;
  private isStoreFailing = false;

  constructor(
    private readonly config: SignetConfig,
    private readonly metrics: MetricsService,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.tokenRateLimit === 0) {
      return;
    }
    if (this.config.redisUrl === undefined) {
      this.memory = new ThrottlerStorageService();
      this.storage = this.memory;
      return;
    }
    // Loaded only when configured: most deployments never pay for the Redis client at start-up.
    const { ThrottlerStorageRedisService } = await import('@nest-lab/throttler-storage-redis');
    this.redis = await this.connect(this.config.redisUrl);
    this.storage = new ThrottlerStorageRedisService(this.redis);
  }

  async onApplicationShutdown(): Promise<void> {
    this.memory?.onApplicationShutdown();
    const redis = this.redis;
    // Unset first: the retry strategy stops reconnecting.
    this.redis = undefined;
    if (redis?.status === 'ready') {
      await redis.quit().catch(() => redis.disconnect());
    } else if (redis !== undefined && redis.status !== 'end') {
      redis.disconnect();
    }
  }

  /** Counts one token request of an authenticated client; over the limit → 429 with Retry-After. */
  async consume(clientId: string): Promise<void> {
    if (this.storage === undefined) {
      return;
    }
    const windowMs = this.config.tokenRateWindowSeconds * 1000;
    // Several deployments may share one Redis: the issuer names this one.
    const key = `signet:token-rate:${this.config.issuer}:${clientId}`;
    let isBlocked: boolean;
    let retryAfterSeconds: number;
    try {
      // Blocked for a whole window once over the limit, as @nestjs/throttler's guard does.
      const record = await this.storage.increment(
        key,
        windowMs,
        this.config.tokenRateLimit,
        windowMs,
        THROTTLER_NAME,
      );
      ({ isBlocked } = record);
      retryAfterSeconds = Math.max(1, record.timeToBlockExpire);
      this.isStoreFailing = false;
    } catch (error) {
      // Fail open: a Redis outage must not stop every client from getting tokens.
      this.metrics.tokenRateLimitErrors.inc();
      this.logStoreFailure(error);
      return;
    }
    if (isBlocked) {
      this.metrics.tokenRequestsRateLimited.inc({ client_id: clientId });
      throw new TokenRateLimitedError(retryAfterSeconds);
    }
  }

  /** Start-up fails fast, with one line naming the variable, when Redis cannot be reached. */
  private async connect(url: string): Promise<Redis> {
    const { default: RedisClient } = await import('ioredis');
    const redis = new RedisClient(url, {
      lazyConnect: true,
      connectTimeout: 5_000,
      // While Redis is away, token requests fail open at once instead of waiting in a queue.
      enableOfflineQueue: false,
      commandTimeout: 1_000,
      maxRetriesPerRequest: 1,
      // Reconnect with back-off once started; a failed start-up ends at once instead.
      retryStrategy: (attempt) =>
        this.redis === undefined ? null : Math.min(attempt * 100, 2_000),
    });
    // Without a listener ioredis prints every connection error to stderr. Until connected, the
    // error is kept for the one line of a failed start-up.
    let connectError: unknown;
    redis.on('error', (error: unknown) => {
      if (this.redis === undefined) {
        connectError = error;
        return;
      }
      this.logStoreFailure(error);
    });
    try {
      await redis.connect();
      return redis;
    } catch (error) {
      const { host, port } = redis.options;
      const cause = messageOf(connectError ?? error);
      throw new Error(
        `REDIS_URL: cannot reach Redis at ${host}:${port} (${cause}); start Redis or unset REDIS_URL`,
      );
    }
  }

  /** Once per outage, not once per request or reconnection attempt. */
  private logStoreFailure(error: unknown): void {
    if (this.isStoreFailing) {
      return;
    }
    this.isStoreFailing = true;
    this.logger.warn(
      `Token rate limit store failed; serving without a limit until it answers: ${messageOf(error)}`,
    );
  }
}
