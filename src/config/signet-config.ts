export type SigningAlgorithm = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];

export type TokenHeaderKeys = 'kid' | 'x5c' | 'jwk';

export type EventBroker = 'none' | 'nats' | 'kafka';
export const EVENT_BROKERS: readonly EventBroker[] = ['none', 'nats', 'kafka'];

export type DatabaseConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/**
 * Signet's configuration, parsed once at start-up from the environment
 * (see `config.schema.ts` and the README's table). Inject it; never read `process.env`.
 */
export abstract class SignetConfig {
  /** Listen port [3000]. */
  abstract readonly port: number;
  /** Listen address [0.0.0.0]. */
  abstract readonly host: string;
  /** `iss` of every token, without a trailing slash [http://localhost:$PORT]. */
  abstract readonly issuer: string;
  abstract readonly database: DatabaseConfig;
  /** Directory for the SQLite file and a generated KEK [./data]. */
  abstract readonly dataDir: string;
  abstract readonly adminUsername: string;
  /** Undefined: a random password is generated and logged once. */
  abstract readonly adminPassword: string | undefined;
  /** 32 raw bytes; undefined: generated once into `<dataDir>/kek`. */
  abstract readonly keyEncryptionKey: Buffer | undefined;
  /** The previous KEK during a KEK rotation: still opens envelopes, which are re-sealed at start-up. */
  abstract readonly previousKeyEncryptionKey: Buffer | undefined;
  abstract readonly signingAlg: SigningAlgorithm;
  abstract readonly audience: string;
  abstract readonly accessTokenTtlSeconds: number;
  abstract readonly refreshTokenTtlSeconds: number;
  abstract readonly clockSkewSeconds: number;
  abstract readonly eventTokenTtlSeconds: number;
  abstract readonly tokenHeaderKeys: TokenHeaderKeys;
  abstract readonly jwksUriAllowHttp: boolean;
  abstract readonly trustProxy: boolean;
  abstract readonly logLevel: string;
  /** How often each instance reloads the key set from the database [2]: a rotation or revocation on another instance is seen within it. */
  abstract readonly keyCacheRefreshSeconds: number;
  /** Automatic rotation once the active key is this old, seconds; 0: never [0]. */
  abstract readonly keyRotationIntervalSeconds: number;
  /** Browser origins CORS allows: a list, '*' for any, or none (CORS off) [none]. */
  abstract readonly corsOrigins: '*' | readonly string[];
  /** Seconds between looks for due outbox events (consumer and relay); 0: only when called [1]. */
  abstract readonly eventPollIntervalSeconds: number;
  /** Where the relay publishes outbox events; none: no relay [none]. */
  abstract readonly eventBroker: EventBroker;
  /** NATS server URL(s), comma-separated [nats://127.0.0.1:4222]. */
  abstract readonly natsUrl: string;
  /** JetStream stream of the events, created when missing [SIGNET_EVENTS]. */
  abstract readonly natsStream: string;
  /** Subject prefix; an event goes to `<prefix>.<type>` [signet.events]. */
  abstract readonly natsSubject: string;
  /** Kafka bootstrap brokers (host:port); required for EVENT_BROKER=kafka. */
  abstract readonly kafkaBrokers: readonly string[];
  /** Kafka topic of the events [signet.events]. */
  abstract readonly kafkaTopic: string;
  /** Token requests each client may make per window at POST /oauth/token; 0: no limit [600]. */
  abstract readonly tokenRateLimit: number;
  /** Length of the token rate-limit window, seconds [60]. */
  abstract readonly tokenRateWindowSeconds: number;
  /** Redis holding the rate-limit counters, shared by every instance; undefined: each instance counts in its own memory. */
  abstract readonly redisUrl: string | undefined;
  /** CLIENT_CACHE_SECONDS: how long a client registration read for authentication is reused. */
  abstract readonly clientCacheSeconds: number;
  /** BENCHMARK_ROUTES: serve GET /benchmark/pets/{id} (the public twin of GET /pets/{id}). */
  abstract readonly benchmarkRoutes: boolean;
}
