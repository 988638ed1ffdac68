import { AppConfig, ConfigError } from './config/app-config';
import { DataDirLockedError } from './database/embedded-postgres';
import { describeStartupError, StartupError } from './startup-errors';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('describeStartupError', () => {
  const external = AppConfig.fromEnv({}, { DATABASE_URL: 'postgres://app:pw@db.internal:5432/sandbox', PORT: '4300' });
  const embedded = AppConfig.fromEnv({}, { SANDBOX_DATA_DIR: '/var/sandbox' });

  it('passes pre-phrased start-up errors through unchanged', () => {
    expect(describeStartupError(new StartupError('Cannot reach Redis at REDIS_URL=…'))).toBe('Cannot reach Redis at REDIS_URL=…');
    expect(describeStartupError(new DataDirLockedError('in use'))).toBe('in use');
  });

  it('puts every invalid variable of a ConfigError on one line', () => {
    const error = new ConfigError('Invalid configuration:\n  PORT="abc": must be an integer\n  LOG_LEVEL="loud": must be one of …');
    const line = describeStartupError(error);
    expect(line).not.toContain('\n');
    expect(line).toMatch(/^Invalid configuration: PORT="abc": must be an integer \| LOG_LEVEL="loud"/);
  });

  it('maps a refused connection during start-up to DATABASE_URL with the password redacted', () => {
    const line = describeStartupError(withCode('connect ECONNREFUSED 10.0.0.5:5432', 'ECONNREFUSED'), external);
    expect(line).toBe(
      'Cannot reach PostgreSQL at DATABASE_URL=postgres://app:***@db.internal:5432/sandbox (connection refused): ' +
        'start PostgreSQL or unset DATABASE_URL to use the embedded database.',
    );
  });

  it("reads the code of Node's dual-stack AggregateError (empty message)", () => {
    const aggregate = new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], '');
    expect(describeStartupError(aggregate, external)).toContain('(connection refused)');
  });

  it('names PORT when the port is taken', () => {
    expect(describeStartupError(withCode('listen EADDRINUSE', 'EADDRINUSE'), external)).toBe(
      'Port 4300 is already in use: stop the other process or set PORT to a free port.',
    );
  });

  it('anything else: one line, with the embedded data dir when there is one, never a stack', () => {
    const error = new Error('boom\n    at somewhere (file.ts:1:1)');
    expect(describeStartupError(error, embedded)).toBe('Start-up failed (embedded database in /var/sandbox): boom at somewhere (file.ts:1:1)');
    expect(describeStartupError('plain string')).toBe('Start-up failed: plain string');
  });
});
