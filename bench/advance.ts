/**
 * npm run bench:advance -- [--actions 10000] [--embedded] [--webhooks]
 *
 * How long POST /v1/test-clock/advance takes to run N due actions: creates N manual-capture
 * payments (each schedules its authorization expiry 7 days out), then advances 8 days and times
 * the call, which answers only after every expiry ran (CANCELED, history row, payment.canceled
 * event; with --webhooks also a delivery row per event). Runs the real app in this process
 * (PROCESS_ROLE=api, so no worker competes) on a throwaway database, or embedded PGlite.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createSandboxApp, SandboxApp } from '../src/app';
import { AppConfig } from '../src/config/app-config';

const { values: args } = parseArgs({
  options: {
    actions: { type: 'string', default: '10000' },
    embedded: { type: 'boolean', default: false },
    webhooks: { type: 'boolean', default: false },
    concurrency: { type: 'string', default: '20' },
    'admin-database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});

type Inject = (method: 'GET' | 'POST', url: string, key?: string, body?: unknown) => Promise<{ status: number; body: any }>;

function injector(sandbox: SandboxApp): Inject {
  const fastify = sandbox.app.getHttpAdapter().getInstance();
  return async (method, url, key, body) => {
    const response = await fastify.inject({
      method,
      url,
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      payload: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined };
  };
}

async function createPayments(inject: Inject, key: string, count: number, concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const response = await inject('POST', '/v1/payments', key, { amount: 1000, currency: 'usd', capture_method: 'manual' });
      if (response.status !== 201) throw new Error(`create: ${response.status} ${JSON.stringify(response.body)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function main(): Promise<void> {
  const count = Number(args.actions);
  const database = `sandbox_bench_advance_${process.pid}`;
  const admin = new Client({ connectionString: args['admin-database-url'] });
  let databaseUrl: string | undefined;
  if (!args.embedded) {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    const url = new URL(args['admin-database-url']!);
    url.pathname = `/${database}`;
    databaseUrl = url.toString();
  }
  const config = AppConfig.fromEnv({}, {
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { SANDBOX_DATA_DIR: ':memory:' }),
    PROCESS_ROLE: 'api',
    RATE_LIMIT_RPS: '0',
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'false',
    REDIS_URL: '',
  });
  const sandbox = await createSandboxApp(config);
  try {
    const inject = injector(sandbox);
    const merchant = (await inject('POST', '/v1/merchants', undefined, { name: 'bench advance' })).body;
    const key: string = merchant.api_key.secret;
    if (args.webhooks) await inject('POST', '/v1/webhook-endpoints', key, { url: 'http://127.0.0.1:9/unreachable' });
    const createStart = performance.now();
    await createPayments(inject, key, count, Number(args.concurrency));
    const createMs = performance.now() - createStart;
    const start = performance.now();
    const answer = await inject('POST', '/v1/test-clock/advance', key, { by: '8d' });
    const advanceMs = performance.now() - start;
    if (answer.status !== 200) throw new Error(`advance: ${answer.status} ${JSON.stringify(answer.body)}`);
    const [{ canceled }] = await sandbox.app.get(DataSource).query(`SELECT count(*)::int AS canceled FROM payments WHERE status = 'CANCELED'`);
    const result = {
      mode: args.embedded ? 'embedded' : 'postgres',
      webhooks: args.webhooks,
      actions: count,
      create_s: +(createMs / 1000).toFixed(1),
      advance_ms: Math.round(advanceMs),
      actions_per_s: Math.round(count / (advanceMs / 1000)),
      canceled,
    };
    console.log(`ADVANCE-BENCH ${JSON.stringify(result)}`);
    if (canceled !== count) throw new Error(`expected ${count} canceled payments, found ${canceled}`);
  } finally {
    await sandbox.close();
    if (!args.embedded) {
      await admin.query(`DROP DATABASE IF EXISTS ${database}`);
      await admin.end();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
