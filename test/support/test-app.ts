import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createSandboxApp, SandboxApp } from '../../src/app';
import { AppConfig } from '../../src/config/app-config';

export interface TestApp {
  sandbox: SandboxApp;
  config: AppConfig;
  http: TestAgent;
  close(): Promise<void>;
}

/** Boots the real app (real Postgres; Redis only when asked) with test-friendly settings. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (!databaseUrl) throw new Error('TEST_DATABASE_URL is not set: run through jest (global-setup creates it)');
  const config = AppConfig.fromEnv({}, {
    DATABASE_URL: databaseUrl,
    RUN_MIGRATIONS: 'false',
    RATE_LIMIT_RPS: '0',
    LOG_LEVEL: 'error',
    DATABASE_POOL_SIZE: '10',
    WEBHOOK_RETRY_SCHEDULE: '50ms,100ms,200ms',
    ...env,
  });
  const sandbox = await createSandboxApp(config);
  const http = request(sandbox.app.getHttpServer());
  return { sandbox, config, http, close: () => sandbox.close() };
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
