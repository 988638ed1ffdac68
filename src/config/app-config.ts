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
  ValidationError,
} from 'class-validator';
import { parseDuration, parseDurationList } from './duration';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
/** all = API + delivery worker in one process (npm start); api = HTTP only; worker = delivery only. */
const PROCESS_ROLES = ['all', 'api', 'worker'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];

const DURATION_PATTERN = /^\d+(ms|s|m|h|d)$/;
const DURATION_LIST_PATTERN = /^\d+(ms|s|m|h|d)(,\d+(ms|s|m|h|d))*$/;

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(normalized)) return true;
  if (['false', '0', 'no', 'off'].includes(normalized)) return false;
  return value;
};
export const DEFAULT_RATE_LIMIT_RPS = 100;
const ORIGIN = 'https?://[A-Za-z0-9.-]+(:\\d{1,5})?';
const CORS_ORIGINS_PATTERN = new RegExp(`^(\\*|${ORIGIN}(,${ORIGIN})*)$`);
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/** The raw environment, validated. Names match the env variables one to one. */
class EnvironmentVariables {
  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT = 4242;

  @IsString() @MinLength(1)
  HOST = '0.0.0.0';

  @Transform(emptyToUndefined) @IsOptional() @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  DATABASE_URL?: string;

  @Transform(toInt) @IsInt() @Min(1) @Max(200)
  DATABASE_POOL_SIZE = 20;

  @IsString() @MinLength(1)
  SANDBOX_DATA_DIR = './.sandbox-data';

  @Transform(emptyToUndefined) @IsOptional() @Matches(/^rediss?:\/\//, { message: 'must be a redis:// URL' })
  REDIS_URL?: string;

  @Transform(toBool) @IsBoolean()
  RUN_MIGRATIONS = true;

  @Transform(emptyToUndefined) @Transform(toBool) @IsOptional() @IsBoolean()
  SEED_DEMO?: boolean;

  @Transform(emptyToUndefined) @IsOptional() @IsString() @MinLength(16, { message: 'must be at least 16 characters' })
  ADMIN_API_KEY?: string;

  /** Unset: off (0) in embedded mode, DEFAULT_RATE_LIMIT_RPS otherwise. */
  @Transform(emptyToUndefined) @Transform(toInt) @IsOptional() @IsInt() @Min(0) @Max(1_000_000)
  RATE_LIMIT_RPS?: number;

  /** `*`, or a comma list of origins (https://app.example.com). Unset: `*` in embedded mode, no CORS otherwise. */
  @Transform(emptyToUndefined) @IsOptional() @Matches(CORS_ORIGINS_PATTERN, { message: 'must be * or a comma list of origins such as https://app.example.com' })
  CORS_ORIGINS?: string;

  @Transform(toInt) @IsInt() @Min(1) @Max(600_000)
  WEBHOOK_TIMEOUT_MS = 10_000;

  @Matches(DURATION_LIST_PATTERN, { message: 'must be a comma list of durations such as 5s,5m,30m,2h' })
  WEBHOOK_RETRY_SCHEDULE = '5s,5m,30m,2h,5h,10h';

  @Transform(toBool) @IsBoolean()
  WEBHOOK_BLOCK_PRIVATE_URLS = false;

  @IsIn(PROCESS_ROLES)
  PROCESS_ROLE: ProcessRole = 'all';

  @Matches(/^[A-Za-z0-9_.:-]{1,100}$/, { message: 'must be 1-100 letters, digits or _.:-' })
  REDIS_KEY_PREFIX = 'sandbox';

  @Transform(toInt) @IsInt() @Min(10) @Max(3_600_000)
  WEBHOOK_SWEEP_INTERVAL_MS = 5_000;

  @Transform(toInt) @IsInt() @Min(0) @Max(3_600_000)
  WEBHOOK_SWEEP_GRACE_MS = 10_000;

  @Transform(toInt) @IsInt() @Min(10) @Max(3_600_000)
  WEBHOOK_POLL_INTERVAL_MS = 1_000;

  @Transform(toInt) @IsInt() @Min(500) @Max(3_600_000)
  WEBHOOK_JOB_LOCK_MS = 30_000;

  /**
   * Attempts in flight per delivering process. The attempts running at once share their claim and
   * record statements, so more in flight is fewer round trips per delivery (README Performance).
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(1_000)
  WEBHOOK_CONCURRENCY = 200;

  @Matches(DURATION_PATTERN, { message: 'must be a duration such as 24h' })
  IDEMPOTENCY_TTL = '24h';

  /** How long an in-flight Idempotency-Key claim is honoured before a retry may take it over (crashed request). */
  @Matches(/^[1-9]\d*(ms|s|m|h)$/, { message: 'must be a positive duration such as 60s' })
  IDEMPOTENCY_LOCK_TIMEOUT = '60s';

  /** How often the worker's connector health job runs. */
  @Transform(toInt) @IsInt() @Min(100) @Max(3_600_000)
  CONNECTOR_HEALTH_INTERVAL_MS = 5_000;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  @Transform(emptyToUndefined) @IsOptional() @IsString() @MaxLength(200)
  PUBLIC_URL?: string;

  @IsIn(LOG_FORMATS)
  LOG_FORMAT: LogFormat = 'json';

  /** When set, GET /metrics requires Authorization: Bearer <METRICS_TOKEN>. */
  @Transform(emptyToUndefined) @IsOptional() @IsString() @MinLength(16, { message: 'must be at least 16 characters' })
  METRICS_TOKEN?: string;

  @Transform(toInt) @IsInt() @Min(10) @Max(3_600_000)
  STREAM_HEARTBEAT_MS = 15_000;

  /** What one stream client may have queued unsent before it is dropped as too slow. */
  @Transform(toInt) @IsInt() @Min(1_024) @Max(1_073_741_824)
  STREAM_CLIENT_BUFFER_BYTES = 1_048_576;

  @Matches(/^[1-9]\d*(s|m|h)$/, { message: 'must be a positive duration such as 15m' })
  STREAM_TOKEN_TTL = '15m';

  /** How long a process may reuse a merchant clock it read; an advance waits this long before answering. */
  @Transform(toInt) @IsInt() @Min(0) @Max(5_000)
  CLOCK_CACHE_MS = 100;

  /** How often the worker looks for scheduled actions that fell due on their merchant's clock. */
  @Transform(toInt) @IsInt() @Min(10) @Max(3_600_000)
  SCHEDULER_POLL_INTERVAL_MS = 1_000;

  /** How long an AUTHORIZED (manual-capture) payment may be captured before it expires (merchant clock). */
  @Matches(/^[1-9]\d*(ms|s|m|h|d)$/, { message: 'must be a positive duration such as 7d' })
  AUTH_EXPIRY = '7d';

  /** How long a 3-D Secure challenge waits for the customer (merchant clock) before authentication_abandoned. */
  @Matches(/^[1-9]\d*(ms|s|m|h|d)$/, { message: 'must be a positive duration such as 10m' })
  THREE_DS_TIMEOUT = '10m';
}

export class ConfigError extends Error {}

function parseCorsOrigins(value: string | undefined): '*' | string[] | undefined {
  if (value === undefined) return undefined;
  return value === '*' ? '*' : value.split(',');
}

/** The one typed configuration object of the app. Nothing else reads process.env. */
export class AppConfig {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string | undefined;
  readonly databasePoolSize: number;
  readonly sandboxDataDir: string;
  readonly redisUrl: string | undefined;
  readonly runMigrations: boolean;
  readonly seedDemo: boolean;
  readonly adminApiKey: string | undefined;
  readonly rateLimitRps: number;
  /** `*` (any origin), the allowed origins, or undefined (no CORS headers at all). */
  readonly corsOrigins: '*' | string[] | undefined;
  readonly webhookTimeoutMs: number;
  readonly webhookRetryScheduleMs: number[];
  readonly webhookBlockPrivateUrls: boolean;
  readonly processRole: ProcessRole;
  readonly redisKeyPrefix: string;
  readonly webhookSweepIntervalMs: number;
  readonly webhookSweepGraceMs: number;
  readonly webhookPollIntervalMs: number;
  readonly webhookJobLockMs: number;
  readonly webhookConcurrency: number;
  readonly idempotencyTtlMs: number;
  readonly idempotencyLockTimeoutMs: number;
  readonly logLevel: LogLevel;
  readonly connectorHealthIntervalMs: number;
  readonly publicUrl: string;
  /** PUBLIC_URL as set (undefined: the served OpenAPI document uses a relative server). */
  readonly configuredPublicUrl: string | undefined;
  readonly logFormat: LogFormat;
  readonly metricsToken: string | undefined;
  readonly streamHeartbeatMs: number;
  readonly streamClientBufferBytes: number;
  readonly streamTokenTtlMs: number;
  readonly clockCacheMs: number;
  readonly schedulerPollIntervalMs: number;
  readonly authExpiryMs: number;
  readonly threeDSecureTimeoutMs: number;

  constructor(env: EnvironmentVariables) {
    this.port = env.PORT;
    this.host = env.HOST;
    this.databaseUrl = env.DATABASE_URL;
    this.databasePoolSize = env.DATABASE_POOL_SIZE;
    this.sandboxDataDir = env.SANDBOX_DATA_DIR;
    this.redisUrl = env.REDIS_URL;
    this.runMigrations = env.RUN_MIGRATIONS;
    this.seedDemo = env.SEED_DEMO ?? env.DATABASE_URL === undefined;
    this.adminApiKey = env.ADMIN_API_KEY;
    const embedded = env.DATABASE_URL === undefined;
    this.rateLimitRps = env.RATE_LIMIT_RPS ?? (embedded ? 0 : DEFAULT_RATE_LIMIT_RPS);
    this.corsOrigins = parseCorsOrigins(env.CORS_ORIGINS ?? (embedded ? '*' : undefined));
    this.webhookTimeoutMs = env.WEBHOOK_TIMEOUT_MS;
    this.webhookRetryScheduleMs = parseDurationList(env.WEBHOOK_RETRY_SCHEDULE) ?? [];
    this.webhookBlockPrivateUrls = env.WEBHOOK_BLOCK_PRIVATE_URLS;
    this.processRole = env.PROCESS_ROLE;
    this.redisKeyPrefix = env.REDIS_KEY_PREFIX;
    this.webhookSweepIntervalMs = env.WEBHOOK_SWEEP_INTERVAL_MS;
    this.webhookSweepGraceMs = env.WEBHOOK_SWEEP_GRACE_MS;
    this.webhookPollIntervalMs = env.WEBHOOK_POLL_INTERVAL_MS;
    this.webhookJobLockMs = env.WEBHOOK_JOB_LOCK_MS;
    this.webhookConcurrency = env.WEBHOOK_CONCURRENCY;
    this.idempotencyTtlMs = parseDuration(env.IDEMPOTENCY_TTL) ?? 0;
    this.idempotencyLockTimeoutMs = parseDuration(env.IDEMPOTENCY_LOCK_TIMEOUT) ?? 60_000;
    this.logLevel = env.LOG_LEVEL;
    this.connectorHealthIntervalMs = env.CONNECTOR_HEALTH_INTERVAL_MS;
    this.publicUrl = env.PUBLIC_URL ?? `http://localhost:${env.PORT}`;
    this.configuredPublicUrl = env.PUBLIC_URL;
    this.logFormat = env.LOG_FORMAT;
    this.metricsToken = env.METRICS_TOKEN;
    this.streamHeartbeatMs = env.STREAM_HEARTBEAT_MS;
    this.streamClientBufferBytes = env.STREAM_CLIENT_BUFFER_BYTES;
    this.streamTokenTtlMs = parseDuration(env.STREAM_TOKEN_TTL) ?? 900_000;
    this.clockCacheMs = env.CLOCK_CACHE_MS;
    this.schedulerPollIntervalMs = env.SCHEDULER_POLL_INTERVAL_MS;
    this.authExpiryMs = parseDuration(env.AUTH_EXPIRY) ?? 7 * 86_400_000;
    this.threeDSecureTimeoutMs = parseDuration(env.THREE_DS_TIMEOUT) ?? 600_000;
  }

  get embeddedDatabase(): boolean {
    return this.databaseUrl === undefined;
  }

  /** Validates the environment; throws ConfigError naming every bad variable. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env, overrides: Record<string, string> = {}): AppConfig {
    const known = Object.keys(new EnvironmentVariables());
    const raw: Record<string, string> = {};
    for (const name of [...known, 'DATABASE_URL', 'REDIS_URL', 'SEED_DEMO', 'ADMIN_API_KEY', 'PUBLIC_URL', 'METRICS_TOKEN', 'RATE_LIMIT_RPS', 'CORS_ORIGINS']) {
      const value = overrides[name] ?? env[name];
      if (value !== undefined) raw[name] = value;
    }
    const parsed = plainToInstance(EnvironmentVariables, raw);
    const errors = validateSync(parsed, { forbidUnknownValues: false });
    if (errors.length > 0) throw new ConfigError(describe(errors));
    return new AppConfig(parsed);
  }
}

const SECRET_VARIABLES = new Set(['ADMIN_API_KEY', 'DATABASE_URL', 'REDIS_URL', 'METRICS_TOKEN']);

function describe(errors: ValidationError[]): string {
  const lines = errors.map((error) => {
    const reasons = Object.values(error.constraints ?? {}).join('; ');
    const shown = SECRET_VARIABLES.has(error.property) ? '(hidden)' : JSON.stringify(error.value);
    return `  ${error.property}=${shown}: ${reasons}`;
  });
  return `Invalid configuration:\n${lines.join('\n')}`;
}
