/**
 * node -r @swc-node/register bench/analytics.ts [--payments 100000] [--runs 5]
 *
 * Seeds one merchant with N payments over a year (plus N for another merchant), then times
 * GET /v1/analytics/summary over the whole year (the widest range allowed) and prints the plan.
 */
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createSandboxApp } from '../src/app';
import { AppConfig } from '../src/config/app-config';
import { seedPayments } from '../test/support/seed-payments';

const { values: args } = parseArgs({
  options: {
    payments: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '5' },
    'admin-database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});

async function main(): Promise<void> {
  const database = `sandbox_analytics_${Date.now()}`;
  const admin = new Client({ connectionString: args['admin-database-url'] });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(args['admin-database-url']!);
  url.pathname = `/${database}`;
  const sandbox = await createSandboxApp(AppConfig.fromEnv({}, { DATABASE_URL: url.toString(), LOG_LEVEL: 'warn', RATE_LIMIT_RPS: '0', SEED_DEMO: 'false' }));
  try {
    const http = request(sandbox.app.getHttpServer());
    const merchant = (await http.post('/v1/merchants').send({ name: 'analytics bench' })).body;
    const other = (await http.post('/v1/merchants').send({ name: 'noise' })).body;
    const db = sandbox.app.get(DataSource);
    const count = Number(args.payments);
    const step = (365 * 24 * 60) / count; // spread over a year
    let started = Date.now();
    await seedPayments(db, merchant.id, count, '2026-01-01T00:00:00Z', step);
    await seedPayments(db, other.id, count, '2026-01-01T00:00:00Z', step);
    await db.query('ANALYZE payments');
    console.log(`seeded ${2 * count} payments in ${Date.now() - started} ms`);
    const path = '/v1/analytics/summary?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z';
    const times: number[] = [];
    for (let run = 0; run < Number(args.runs); run++) {
      started = performance.now();
      const response = await http.get(path).set('Authorization', `Bearer ${merchant.api_key.secret}`);
      times.push(performance.now() - started);
      if (response.status !== 200 || response.body.count !== count) throw new Error(`unexpected answer ${response.status} count=${response.body.count}`);
    }
    times.sort((a, b) => a - b);
    console.log(`GET ${path} over ${count} payments: median ${times[Math.floor(times.length / 2)].toFixed(1)} ms, min ${times[0].toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms (${times.length} runs)`);
    const plan: Array<{ 'QUERY PLAN': string }> = await db.query(
      `EXPLAIN ANALYZE SELECT status, currency, failure_code, count(*), sum(amount), sum(amount_captured), sum(amount_refunded)
         FROM payments WHERE merchant_id = $1 AND created_at >= $2 AND created_at < $3 GROUP BY status, currency, failure_code`,
      [merchant.id, '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z'],
    );
    console.log(plan.map((row) => row['QUERY PLAN']).join('\n'));
  } finally {
    await sandbox.close();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
