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
