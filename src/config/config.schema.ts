import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';
import { resolve } from 'node:path';
import {
  DatabaseConfig,
  EVENT_BROKERS,
  EventBroker,
  SIGNING_ALGORITHMS,
  SignetConfig,
  SigningAlgorithm,
} from './signet-config';

/** A configuration value that cannot be used; the message names the variable. */
export class ConfigError extends Error {}

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
const toBool = ({ value }: { value: unknown }): unknown => {
  if (value === 'true' || value === '1') {
    return true;
  }
  if (value === 'false' || value === '0') {
    return false;
  }
  return value;
};

/** The environment variables Signet reads; every one is optional. */
class EnvironmentVariables {
  /** Listen port [3000]. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535) PORT?: number;
  /** Listen address [0.0.0.0]. */
  @IsOptional() @IsString() @MinLength(1) HOST?: string;
  /** `iss` of every token [http://localhost:$PORT]: an http(s) URL. */
  @IsOptional() @IsString() ISSUER?: string;
  /** `sqlite:<path>` or `postgres://user:pass@host:port/db` [sqlite:./data/signet.sqlite]. */
  @IsOptional() @IsString() DATABASE_URL?: string;
  /** Directory for the SQLite default and a generated KEK [./data]. */
  @IsOptional() @IsString() @MinLength(1) DATA_DIR?: string;
  /** Bootstrap admin name [admin]. */
  @IsOptional() @Matches(/^[A-Za-z0-9._@-]{1,64}$/) ADMIN_USERNAME?: string;
  /** Bootstrap admin password, 8 to 128 characters [random, printed once]. */
  @IsOptional() @IsString() @MinLength(8) @MaxLength(128) ADMIN_PASSWORD?: string;
  /** 32 bytes, base64 [generated into ./data/kek]. */
  @IsOptional() @IsString() KEY_ENCRYPTION_KEY?: string;
  /** The KEK being replaced, accepted while everything is re-encrypted under the new one [none]. */
  @IsOptional() @IsString() KEY_ENCRYPTION_KEY_PREVIOUS?: string;
  /** Algorithm of new signing keys [RS256]. */
  @IsOptional() @IsIn(SIGNING_ALGORITHMS) SIGNING_ALG?: SigningAlgorithm;
  /** `aud` of user tokens [pets-api]. */
  @IsOptional() @IsString() @MinLength(1) AUDIENCE?: string;
  /** Seconds [900]. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) ACCESS_TOKEN_TTL?: number;
  /** Seconds [1209600]. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) REFRESH_TOKEN_TTL?: number;
  /** Seconds of leeway on exp/nbf/iat [60]. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(3600) CLOCK_SKEW?: number;
  /** Seconds [31536000]. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) EVENT_TOKEN_TTL?: number;
  /** What token headers carry besides `kid` [kid]. */
  @IsOptional() @IsIn(['kid', 'x5c', 'jwk']) TOKEN_HEADER_KEYS?: 'kid' | 'x5c' | 'jwk';
  /** Allow plain-http client jwks_uri [false]. */
  @IsOptional() @Transform(toBool) @IsBoolean() JWKS_URI_ALLOW_HTTP?: boolean;
  /** Honour X-Forwarded-For [false]. */
  @IsOptional() @Transform(toBool) @IsBoolean() TRUST_PROXY?: boolean;
  /** pino level [info]. */
  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;
  /** Seconds between key-set reloads on each instance [2]. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(300) KEY_CACHE_REFRESH_SECONDS?: number;
  /** Rotate the signing keys automatically once the active key is this old, seconds [0: never]. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(31536000) KEY_ROTATION_INTERVAL?: number;
  /** Browser origins allowed by CORS, comma-separated, or `*` [none: CORS off]. */
  @IsOptional() @IsString() CORS_ORIGINS?: string;
  /** Seconds between looks for due outbox events by the consumer and the relay; 0: never [1]. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(3600) EVENT_POLL_INTERVAL?: number;
  /** Where the relay publishes events: none, nats or kafka [none]. */
  @IsOptional() @IsIn(EVENT_BROKERS) EVENT_BROKER?: EventBroker;
  /** NATS server for EVENT_BROKER=nats [nats://127.0.0.1:4222]. */
  @IsOptional() @Matches(/^(nats|tls):\/\/[^\s,]+(,(nats|tls):\/\/[^\s,]+)*$/) NATS_URL?: string;
  /** JetStream stream holding the events; created when missing [SIGNET_EVENTS]. */
  @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,64}$/) NATS_STREAM?: string;
  /** Subject prefix: events go to `<prefix>.<event type>` [signet.events]. */
  @IsOptional() @Matches(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/) NATS_SUBJECT?: string;
  /** Comma-separated host:port list; required for EVENT_BROKER=kafka. */
  @IsOptional() @Matches(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/) KAFKA_BROKERS?: string;
  /** Kafka topic of the events [signet.events]. */
  @IsOptional() @Matches(/^[A-Za-z0-9._-]{1,249}$/) KAFKA_TOPIC?: string;
  /** Token requests per client per TOKEN_RATE_WINDOW at POST /oauth/token; 0: no limit [600]. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(1000000) TOKEN_RATE_LIMIT?: number;
  /** Seconds of the token rate-limit window [60]. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(86400) TOKEN_RATE_WINDOW?: number;
  /** Redis for counters shared by all instances; unset: each instance counts alone [none]. */
  @IsOptional() @IsString() REDIS_URL?: string;
  /** Seconds a client registration read for authentication is reused; 0: read every time [2]. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(300) CLIENT_CACHE_SECONDS?: number;
  /** GET /benchmark/pets/{id}: GET /pets/{id} without a token, for `npm run bench` [false]. */
  @IsOptional() @Transform(toBool) @IsBoolean() BENCHMARK_ROUTES?: boolean;
}

const VARIABLES = [
  'PORT',
  'HOST',
  'ISSUER',
  'DATABASE_URL',
  'DATA_DIR',
  'ADMIN_USERNAME',
  'ADMIN_PASSWORD',
  'KEY_ENCRYPTION_KEY',
  'KEY_ENCRYPTION_KEY_PREVIOUS',
  'SIGNING_ALG',
  'AUDIENCE',
  'ACCESS_TOKEN_TTL',
  'REFRESH_TOKEN_TTL',
  'CLOCK_SKEW',
  'EVENT_TOKEN_TTL',
  'TOKEN_HEADER_KEYS',
  'JWKS_URI_ALLOW_HTTP',
  'TRUST_PROXY',
  'LOG_LEVEL',
  'KEY_CACHE_REFRESH_SECONDS',
  'KEY_ROTATION_INTERVAL',
  'CORS_ORIGINS',
  'EVENT_POLL_INTERVAL',
  'EVENT_BROKER',
  'NATS_URL',
  'NATS_STREAM',
  'NATS_SUBJECT',
  'KAFKA_BROKERS',
  'KAFKA_TOPIC',
  'TOKEN_RATE_LIMIT',
  'TOKEN_RATE_WINDOW',
  'REDIS_URL',
  'CLIENT_CACHE_SECONDS',
  'BENCHMARK_ROUTES',
] as const;

const REDIS_URL_RULE = 'must be redis://[:password@]host[:port][/db] or rediss://...';
const SECONDS = 'must be a whole number of seconds, at least 1';
const BOOLEAN = 'must be true or false';

/** What each variable must be, as the one start-up line says it. */
const RULES: Record<(typeof VARIABLES)[number], string> = {
  PORT: 'must be an integer from 0 to 65535',
  HOST: 'must not be empty',
  ISSUER: 'must be an http(s) URL',
  DATABASE_URL: 'must be sqlite:<path> or postgres://user:pass@host:port/db',
  DATA_DIR: 'must not be empty',
  ADMIN_USERNAME: 'must be 1 to 64 letters, digits or . _ @ -',
  ADMIN_PASSWORD: 'must be 8 to 128 characters',
  KEY_ENCRYPTION_KEY: 'must be 32 bytes encoded in base64',
  KEY_ENCRYPTION_KEY_PREVIOUS: 'must be 32 bytes encoded in base64',
  SIGNING_ALG: `must be one of ${SIGNING_ALGORITHMS.join(', ')}`,
  AUDIENCE: 'must not be empty',
  ACCESS_TOKEN_TTL: SECONDS,
  REFRESH_TOKEN_TTL: SECONDS,
  CLOCK_SKEW: 'must be a whole number of seconds from 0 to 3600',
  EVENT_TOKEN_TTL: SECONDS,
  TOKEN_HEADER_KEYS: 'must be kid, x5c or jwk',
  JWKS_URI_ALLOW_HTTP: BOOLEAN,
  TRUST_PROXY: BOOLEAN,
  LOG_LEVEL: 'must be one of fatal, error, warn, info, debug, trace, silent',
  KEY_CACHE_REFRESH_SECONDS: 'must be a whole number of seconds from 1 to 300',
  KEY_ROTATION_INTERVAL: 'must be a whole number of seconds from 0 (never) to 31536000',
  CORS_ORIGINS: 'must be * or a comma-separated list of origins such as https://app.example.com',
  EVENT_POLL_INTERVAL: 'must be a whole number of seconds from 0 (never) to 3600',
  EVENT_BROKER: `must be one of ${EVENT_BROKERS.join(', ')}`,
  NATS_URL: 'must be nats://host:port (several separated by commas)',
  NATS_STREAM: 'must be 1 to 64 letters, digits, _ or -',
  NATS_SUBJECT: 'must be dot-separated tokens of letters, digits, _ or -',
  KAFKA_BROKERS: 'must be host:port, several separated by commas',
  KAFKA_TOPIC: 'must be 1 to 249 letters, digits, . _ or -',
  TOKEN_RATE_LIMIT: 'must be a whole number of requests from 0 (no limit) to 1000000',
  TOKEN_RATE_WINDOW: 'must be a whole number of seconds from 1 to 86400',
  REDIS_URL: REDIS_URL_RULE,
  CLIENT_CACHE_SECONDS: 'must be a whole number of seconds from 0 to 300',
  BENCHMARK_ROUTES: BOOLEAN,
};

function parseDatabaseUrl(value: string | undefined, dataDir: string): DatabaseConfig {
  if (value === undefined || value === '') {
    return { kind: 'sqlite', path: resolve(dataDir, 'signet.sqlite') };
  }
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length);
    if (path === '') {
      throw new ConfigError(
        'DATABASE_URL: sqlite: needs a file path, e.g. sqlite:./data/signet.sqlite',
      );
    }
    return { kind: 'sqlite', path: path === ':memory:' ? path : resolve(path) };
  }
  if (/^postgres(ql)?:\/\//.test(value) && URL.canParse(value) && new URL(value).hostname !== '') {
    return { kind: 'postgres', url: value };
  }
  throw new ConfigError('DATABASE_URL must be sqlite:<path> or postgres://user:pass@host:port/db');
}

function parseCorsOrigins(value: string | undefined): '*' | string[] {
  if (value === undefined || value.trim() === '') {
    return [];
  }
  if (value.trim() === '*') {
    return '*';
  }
  const origins = value.split(',').map((origin) => origin.trim());
  for (const origin of origins) {
    const url = URL.canParse(origin) ? new URL(origin) : undefined;
    if (!url || !['http:', 'https:'].includes(url.protocol) || url.origin !== origin) {
      throw new ConfigError(
        `CORS_ORIGINS: ${origin} is not an origin such as https://app.example.com`,
      );
    }
  }
  return origins;
}

/** Undefined: no Redis. The message never repeats the value, which may hold a password. */
function parseRedisUrl(value: string | undefined): string | undefined {
  if (value === undefined || value === '') {
    return undefined;
  }
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (
    !url ||
    !['redis:', 'rediss:'].includes(url.protocol) ||
    url.hostname === '' ||
    !/^(\/\d{0,2})?$/.test(url.pathname)
  ) {
    throw new ConfigError(`REDIS_URL: ${REDIS_URL_RULE}`);
  }
  return value;
}

function parseIssuer(value: string | undefined, port: number): string {
  if (value === undefined || value === '') {
    return `http://localhost:${port}`;
  }
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.search || url.hash) {
    throw new ConfigError('ISSUER must be an http(s) URL without query or fragment');
  }
  return value.replace(/\/+$/, '');
}

function parseKek(value: string | undefined, name = 'KEY_ENCRYPTION_KEY'): Buffer | undefined {
  if (value === undefined || value === '') {
    return undefined;
  }
  const bytes = Buffer.from(value, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || bytes.length !== 32) {
    throw new ConfigError(`${name} must be 32 bytes encoded in base64 (openssl rand -base64 32)`);
  }
  return bytes;
}

/** Parses the environment into a frozen SignetConfig; throws ConfigError naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv): SignetConfig {
  // Only Signet's own variables, and an empty value counts as unset.
  const raw = Object.fromEntries(
    VARIABLES.filter((name) => env[name] !== undefined && env[name] !== '').map((name) => [
      name,
      env[name],
    ]),
  );
  const vars = plainToInstance(EnvironmentVariables, raw);
  const errors = validateSync(vars, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    const name = errors[0].property as (typeof VARIABLES)[number];
    throw new ConfigError(`${name}: ${RULES[name]}`);
  }
  const port = vars.PORT ?? 3000;
  const dataDir = resolve(vars.DATA_DIR ?? './data');
  const config: SignetConfig = {
    port,
    host: vars.HOST ?? '0.0.0.0',
    issuer: parseIssuer(vars.ISSUER, port),
    database: parseDatabaseUrl(vars.DATABASE_URL, dataDir),
    dataDir,
    adminUsername: vars.ADMIN_USERNAME ?? 'admin',
    adminPassword: vars.ADMIN_PASSWORD,
    keyEncryptionKey: parseKek(vars.KEY_ENCRYPTION_KEY),
    previousKeyEncryptionKey: parseKek(
      vars.KEY_ENCRYPTION_KEY_PREVIOUS,
      'KEY_ENCRYPTION_KEY_PREVIOUS',
    ),
    signingAlg: vars.SIGNING_ALG ?? 'RS256',
    audience: vars.AUDIENCE ?? 'pets-api',
    accessTokenTtlSeconds: vars.ACCESS_TOKEN_TTL ?? 900,
    refreshTokenTtlSeconds: vars.REFRESH_TOKEN_TTL ?? 1209600,
    clockSkewSeconds: vars.CLOCK_SKEW ?? 60,
    eventTokenTtlSeconds: vars.EVENT_TOKEN_TTL ?? 31536000,
    tokenHeaderKeys: vars.TOKEN_HEADER_KEYS ?? 'kid',
    jwksUriAllowHttp: vars.JWKS_URI_ALLOW_HTTP ?? false,
    trustProxy: vars.TRUST_PROXY ?? false,
    logLevel: vars.LOG_LEVEL ?? 'info',
    keyCacheRefreshSeconds: vars.KEY_CACHE_REFRESH_SECONDS ?? 2,
    keyRotationIntervalSeconds: vars.KEY_ROTATION_INTERVAL ?? 0,
    corsOrigins: parseCorsOrigins(vars.CORS_ORIGINS),
    eventPollIntervalSeconds: vars.EVENT_POLL_INTERVAL ?? 1,
    eventBroker: vars.EVENT_BROKER ?? 'none',
    natsUrl: vars.NATS_URL ?? 'nats://127.0.0.1:4222',
    natsStream: vars.NATS_STREAM ?? 'SIGNET_EVENTS',
    natsSubject: vars.NATS_SUBJECT ?? 'signet.events',
    kafkaBrokers: vars.KAFKA_BROKERS?.split(',') ?? [],
    kafkaTopic: vars.KAFKA_TOPIC ?? 'signet.events',
    tokenRateLimit: vars.TOKEN_RATE_LIMIT ?? 600,
    tokenRateWindowSeconds: vars.TOKEN_RATE_WINDOW ?? 60,
    redisUrl: parseRedisUrl(vars.REDIS_URL),
    clientCacheSeconds: vars.CLIENT_CACHE_SECONDS ?? 2,
    benchmarkRoutes: vars.BENCHMARK_ROUTES ?? false,
  };
  if (config.eventBroker === 'kafka' && config.kafkaBrokers.length === 0) {
    throw new ConfigError('KAFKA_BROKERS: must be set (host:port,...) when EVENT_BROKER=kafka');
  }
  return Object.freeze(config);
}
