import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createSandboxApp, SandboxApp, SandboxAppOptions } from '../../src/app';
import { AppConfig } from '../../src/config/app-config';
import { isEmbeddedTestMode } from './test-env';

export interface TestApp {
  sandbox: SandboxApp;
  config: AppConfig;
  http: TestAgent;
  close(): Promise<void>;
}

/**
 * Boots the real app with test-friendly settings. Full mode (default): the run's fresh Postgres
 * database from global-setup; Redis only when a test asks. Embedded mode (SANDBOX_TEST_MODE=embedded,
 * the e2e-embedded Jest project): no DATABASE_URL, so each app gets its own in-memory PGlite.
 */
export async function startTestApp(env: Record<string, string> = {}, options: SandboxAppOptions = {}): Promise<TestApp> {
  const embedded = isEmbeddedTestMode();
  const config = AppConfig.fromEnv({}, {
    ...(embedded ? EMBEDDED_DEFAULTS : externalDatabase()),
    RATE_LIMIT_RPS: '0',
    LOG_LEVEL: 'error',
    WEBHOOK_RETRY_SCHEDULE: '50ms,100ms,200ms',
    ...env,
  });
  const sandbox = await createSandboxApp(config, options);
  // Specs that open their own pg client (e.g. to probe a constraint) read TEST_DATABASE_URL.
  if (config.embeddedDatabase) process.env.TEST_DATABASE_URL = sandbox.connection.url;
  const http = request(sandbox.app.getHttpServer());
  return { sandbox, config, http, close: () => sandbox.close() };
}

const EMBEDDED_DEFAULTS = { SANDBOX_DATA_DIR: ':memory:', RUN_MIGRATIONS: 'true', SEED_DEMO: 'false' };

function externalDatabase(): Record<string, string> {
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (!databaseUrl) throw new Error('TEST_DATABASE_URL is not set: run through jest (global-setup creates it)');
  return { DATABASE_URL: databaseUrl, RUN_MIGRATIONS: 'false', DATABASE_POOL_SIZE: '10' };
}

export interface TestMerchant {
  id: string;
  key: string;
  apiKeyId: string;
}

export async function createMerchant(http: TestAgent, name = 'Test merchant'): Promise<TestMerchant> {
  const response = await http.post('/v1/merchants').send({ name }).expect(201);
  return { id: response.body.id, key: response.body.api_key.secret, apiKeyId: response.body.api_key.id };
}

export function bearer(merchant: TestMerchant | string): { Authorization: string } {
  return { Authorization: `Bearer ${typeof merchant === 'string' ? merchant : merchant.key}` };
}

/** Polls until `check` returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
}
