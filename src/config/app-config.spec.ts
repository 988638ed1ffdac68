import { AppConfig, ConfigError } from './app-config';

describe('AppConfig IDEMPOTENCY_LOCK_TIMEOUT', () => {
  it('defaults to 60 s (above the 30 s maximum simulated delay)', () => {
    expect(AppConfig.fromEnv({}).idempotencyLockTimeoutMs).toBe(60_000);
  });

  it('accepts a positive duration', () => {
    expect(AppConfig.fromEnv({ IDEMPOTENCY_LOCK_TIMEOUT: '2s' }).idempotencyLockTimeoutMs).toBe(2_000);
    expect(AppConfig.fromEnv({ IDEMPOTENCY_LOCK_TIMEOUT: '1500ms' }).idempotencyLockTimeoutMs).toBe(1_500);
  });

  it.each(['0s', '-5s', '60', 'soon', '1d'])('refuses %p with a message naming the variable', (value) => {
    expect(() => AppConfig.fromEnv({ IDEMPOTENCY_LOCK_TIMEOUT: value })).toThrow(ConfigError);
    expect(() => AppConfig.fromEnv({ IDEMPOTENCY_LOCK_TIMEOUT: value })).toThrow(/IDEMPOTENCY_LOCK_TIMEOUT/);
  });
});

describe('AppConfig clock settings', () => {
  it('defaults: AUTH_EXPIRY 7d, CLOCK_CACHE_MS 100, SCHEDULER_POLL_INTERVAL_MS 1000', () => {
    const config = AppConfig.fromEnv({});
    expect(config.authExpiryMs).toBe(7 * 86_400_000);
    expect(config.clockCacheMs).toBe(100);
    expect(config.schedulerPollIntervalMs).toBe(1_000);
  });

  it('accepts AUTH_EXPIRY as a positive duration', () => {
    expect(AppConfig.fromEnv({ AUTH_EXPIRY: '36h' }).authExpiryMs).toBe(36 * 3_600_000);
  });

  it.each([
    ['AUTH_EXPIRY', '0d'],
    ['AUTH_EXPIRY', '7'],
    ['AUTH_EXPIRY', 'a week'],
    ['CLOCK_CACHE_MS', '-1'],
    ['CLOCK_CACHE_MS', '6000'],
    ['SCHEDULER_POLL_INTERVAL_MS', '0'],
  ])('refuses %s=%p naming the variable', (name, value) => {
    expect(() => AppConfig.fromEnv({ [name]: value })).toThrow(new RegExp(name));
  });
});

describe('AppConfig defaults that depend on the mode', () => {
  const full = { DATABASE_URL: 'postgres://localhost/db' };

  it('RATE_LIMIT_RPS: off in embedded mode, 100 with a DATABASE_URL, as set otherwise', () => {
    expect(AppConfig.fromEnv({}).rateLimitRps).toBe(0);
    expect(AppConfig.fromEnv(full).rateLimitRps).toBe(100);
    expect(AppConfig.fromEnv({ ...full, RATE_LIMIT_RPS: '7' }).rateLimitRps).toBe(7);
    expect(AppConfig.fromEnv({ RATE_LIMIT_RPS: '7' }).rateLimitRps).toBe(7);
    expect(() => AppConfig.fromEnv({ RATE_LIMIT_RPS: 'fast' })).toThrow(/RATE_LIMIT_RPS/);
  });

  it('CORS_ORIGINS: * in embedded mode, off with a DATABASE_URL, a list when given', () => {
    expect(AppConfig.fromEnv({}).corsOrigins).toBe('*');
    expect(AppConfig.fromEnv(full).corsOrigins).toBeUndefined();
    expect(AppConfig.fromEnv({ ...full, CORS_ORIGINS: '*' }).corsOrigins).toBe('*');
    expect(AppConfig.fromEnv({ ...full, CORS_ORIGINS: 'https://a.example.com,http://localhost:3000' }).corsOrigins).toEqual([
      'https://a.example.com',
      'http://localhost:3000',
    ]);
  });

  it.each(['a.example.com', 'https://a.example.com/', 'https://a.example.com,', 'ftp://x', '*,https://a.example.com'])(
    'refuses CORS_ORIGINS=%p naming the variable',
    (value) => {
      expect(() => AppConfig.fromEnv({ CORS_ORIGINS: value })).toThrow(/CORS_ORIGINS/);
    },
  );
});
