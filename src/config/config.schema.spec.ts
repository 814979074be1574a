import { ConfigError, loadConfig } from './config.schema';

describe('loadConfig', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config).toEqual(
      expect.objectContaining({
        port: 3000,
        host: '0.0.0.0',
        issuer: 'http://localhost:3000',
        database: { kind: 'sqlite', path: expect.stringMatching(/data\/signet\.sqlite$/) },
        signingAlg: 'RS256',
        audience: 'pets-api',
        accessTokenTtlSeconds: 900,
        refreshTokenTtlSeconds: 1209600,
        clockSkewSeconds: 60,
        eventTokenTtlSeconds: 31536000,
        tokenHeaderKeys: 'kid',
        jwksUriAllowHttp: false,
        trustProxy: false,
        tokenRateLimit: 600,
        tokenRateWindowSeconds: 60,
        redisUrl: undefined,
      }),
    );
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('parses values', () => {
    const config = loadConfig({
      PORT: '8080',
      ISSUER: 'https://id.example/',
      DATABASE_URL: 'postgres://u:p@db:5432/signet',
      CLOCK_SKEW: '0',
      KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      TRUST_PROXY: 'true',
    });
    expect(config.port).toBe(8080);
    expect(config.issuer).toBe('https://id.example');
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://u:p@db:5432/signet' });
    expect(config.clockSkewSeconds).toBe(0);
    expect(config.keyEncryptionKey).toEqual(Buffer.alloc(32, 7));
    expect(config.trustProxy).toBe(true);
  });

  it('parses the token rate limit and REDIS_URL', () => {
    const config = loadConfig({
      TOKEN_RATE_LIMIT: '0',
      TOKEN_RATE_WINDOW: '5',
      REDIS_URL: 'rediss://:secret@cache.internal:6380/2',
    });
    expect(config.tokenRateLimit).toBe(0);
    expect(config.tokenRateWindowSeconds).toBe(5);
    expect(config.redisUrl).toBe('rediss://:secret@cache.internal:6380/2');
  });

  it.each([
    ['PORT', 'abc', 'PORT: must be an integer from 0 to 65535'],
    ['PORT', '70000', 'PORT: must be an integer from 0 to 65535'],
    ['SIGNING_ALG', 'HS256', 'SIGNING_ALG: must be one of RS256, PS256, ES256, EdDSA'],
    ['ACCESS_TOKEN_TTL', '0', 'ACCESS_TOKEN_TTL: must be a whole number of seconds, at least 1'],
    ['CLOCK_SKEW', '-1', 'CLOCK_SKEW: must be a whole number of seconds from 0 to 3600'],
    ['TRUST_PROXY', 'yes', 'TRUST_PROXY: must be true or false'],
    ['BENCHMARK_ROUTES', 'on', 'BENCHMARK_ROUTES: must be true or false'],
    [
      'CLIENT_CACHE_SECONDS',
      '301',
      'CLIENT_CACHE_SECONDS: must be a whole number of seconds from 0 to 300',
    ],
    [
      'DATABASE_URL',
      'mysql://x',
      'DATABASE_URL must be sqlite:<path> or postgres://user:pass@host:port/db',
    ],
    [
      'KEY_ENCRYPTION_KEY',
      'short',
      'KEY_ENCRYPTION_KEY must be 32 bytes encoded in base64 (openssl rand -base64 32)',
    ],
    [
      'KEY_ROTATION_INTERVAL',
      '-5',
      'KEY_ROTATION_INTERVAL: must be a whole number of seconds from 0 (never) to 31536000',
    ],
    [
      'CORS_ORIGINS',
      'https://a.example/path',
      'CORS_ORIGINS: https://a.example/path is not an origin such as https://app.example.com',
    ],
    [
      'KEY_ENCRYPTION_KEY_PREVIOUS',
      'short',
      'KEY_ENCRYPTION_KEY_PREVIOUS must be 32 bytes encoded in base64 (openssl rand -base64 32)',
    ],
    ['ISSUER', 'not-a-url', 'ISSUER must be an http(s) URL without query or fragment'],
    [
      'TOKEN_RATE_LIMIT',
      '-1',
      'TOKEN_RATE_LIMIT: must be a whole number of requests from 0 (no limit) to 1000000',
    ],
    [
      'TOKEN_RATE_LIMIT',
      '10/min',
      'TOKEN_RATE_LIMIT: must be a whole number of requests from 0 (no limit) to 1000000',
    ],
    [
      'TOKEN_RATE_WINDOW',
      '0',
      'TOKEN_RATE_WINDOW: must be a whole number of seconds from 1 to 86400',
    ],
    [
      'REDIS_URL',
      'http://cache:6379',
      'REDIS_URL: must be redis://[:password@]host[:port][/db] or rediss://...',
    ],
    [
      'REDIS_URL',
      'redis://:secret@cache:6379/not-a-db',
      'REDIS_URL: must be redis://[:password@]host[:port][/db] or rediss://...',
    ],
  ])('refuses %s=%s with one line naming it', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new ConfigError(message));
  });
});

describe('loadConfig: events', () => {
  it('has event defaults: polling every second, no broker', () => {
    expect(loadConfig({})).toEqual(
      expect.objectContaining({
        eventPollIntervalSeconds: 1,
        eventBroker: 'none',
        natsUrl: 'nats://127.0.0.1:4222',
        natsStream: 'SIGNET_EVENTS',
        natsSubject: 'signet.events',
        kafkaBrokers: [],
        kafkaTopic: 'signet.events',
      }),
    );
  });

  it('parses the broker variables', () => {
    const config = loadConfig({
      EVENT_POLL_INTERVAL: '0',
      EVENT_BROKER: 'kafka',
      KAFKA_BROKERS: 'kafka-1:9092,kafka-2:9092',
      KAFKA_TOPIC: 'adoptions',
    });
    expect(config.eventPollIntervalSeconds).toBe(0);
    expect(config.kafkaBrokers).toEqual(['kafka-1:9092', 'kafka-2:9092']);
    expect(config.kafkaTopic).toBe('adoptions');
  });

  it.each([
    [{ EVENT_BROKER: 'rabbitmq' }, 'EVENT_BROKER: must be one of none, nats, kafka'],
    [{ EVENT_POLL_INTERVAL: '-1' }, 'EVENT_POLL_INTERVAL: must be a whole number of seconds'],
    [{ NATS_URL: 'http://nats:4222' }, 'NATS_URL: must be nats://host:port'],
    [{ NATS_SUBJECT: 'signet.>' }, 'NATS_SUBJECT: must be dot-separated tokens'],
    [{ KAFKA_BROKERS: 'kafka' }, 'KAFKA_BROKERS: must be host:port'],
    [{ EVENT_BROKER: 'kafka' }, 'KAFKA_BROKERS: must be set'],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
