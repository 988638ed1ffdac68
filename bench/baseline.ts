/**
 * The references every bench report is compared with, measured on this machine with the same load
 * tool and connection count:
 * - `bare_rps`: a bare Fastify route answering a fixed payment (bench/bare-fastify.js), autocannon;
 * - `pgbench_tps`: pgbench running the writes one `create` makes (bench/create-transaction.sql);
 * - `pgbench_deliver_tps`: pgbench running the writes of one successful webhook delivery attempt
 *   (bench/deliver-transaction.sql).
 * Used by bench.ts in the same run, and standalone (bash bench/baseline.sh, which runs this file:
 * CONNECTIONS, DURATION, ADMIN_DATABASE_URL, BARE_PORT) to write bench/results/baseline-<timestamp>.json.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { freePort, sleep } from './api';

const ROOT = resolve(__dirname, '..');
const RESULTS_DIR = join(ROOT, 'bench', 'results');
const DELIVER_ROWS = 50_000;

export interface Baseline {
  connections: number;
  duration_s: number;
  bare_rps: number;
  pgbench_tps: number;
  /** Absent in baselines saved before issue 19. */
  pgbench_deliver_tps?: number;
  /** 'measured in this run', or the file it was read from. */
  source?: string;
}

export function pgbenchAvailable(): boolean {
  return spawnSync('pgbench', ['--version'], { stdio: 'ignore' }).status === 0;
}

export async function measureBaseline(connections: number, duration: number, adminDatabaseUrl: string, barePort?: number): Promise<Baseline> {
  const bare_rps = await measureBare(connections, duration, barePort ?? (await freePort()));
  const { create, deliver } = await measurePgbench(connections, duration, adminDatabaseUrl);
  return { connections, duration_s: duration, bare_rps, pgbench_tps: create, pgbench_deliver_tps: deliver, source: 'measured in this run' };
}

/** The newest bench/results/baseline-*.json, if any. */
export function savedBaseline(): Baseline | undefined {
  const last = readdirSync(RESULTS_DIR)
    .filter((file) => file.startsWith('baseline-'))
    .sort()
    .at(-1);
  return last ? { ...(JSON.parse(readFileSync(join(RESULTS_DIR, last), 'utf8')) as Baseline), source: `bench/results/${last}` } : undefined;
}

export function saveBaseline(baseline: Baseline): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `baseline-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const { source: _source, ...stored } = baseline;
  writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`);
  return file;
}

async function measureBare(connections: number, duration: number, port: number): Promise<number> {
  const child = spawn(process.execPath, [join(ROOT, 'bench', 'bare-fastify.js')], { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
  try {
    const url = `http://127.0.0.1:${port}`;
    for (let tries = 0; ; tries++) {
      try {
        await fetch(url);
        break;
      } catch {
        if (tries > 100 || child.exitCode !== null) throw new Error('bare Fastify did not start');
        await sleep(100);
      }
    }
    const result = await autocannon({
      url: `${url}/v1/payments`,
      connections,
      duration,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 2000, currency: 'usd' }),
    });
    return Math.round(result.requests.average);
  } finally {
    child.kill('SIGTERM');
  }
}

async function measurePgbench(connections: number, duration: number, adminDatabaseUrl: string): Promise<{ create: number; deliver: number }> {
  const database = `sandbox_baseline_${Date.now()}`;
  const admin = new Client({ connectionString: adminDatabaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const url = new URL(adminDatabaseUrl);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  try {
    await promisify(execFile)(process.execPath, [join(ROOT, 'dist', 'database', 'migrate.js')], { env: { ...process.env, DATABASE_URL: databaseUrl } });
    const client = new Client({ connectionString: databaseUrl });
    // If a step below fails, the cleanup drops the database under this client: not an unhandled error.
    client.on('error', () => undefined);
    await client.connect();
    await client.query(`
      INSERT INTO merchants (id, name) VALUES ('mer_bench', 'bench');
      INSERT INTO webhook_endpoints (id, merchant_id, url, enabled_events, secret)
      VALUES ('we_bench', 'mer_bench', 'http://127.0.0.1:1/hooks', ARRAY['*'], 'whsec_bench');`);
    const create = await pgbench(databaseUrl, 'create-transaction.sql', connections, duration);
    // The deliveries the delivery mirror claims and records: one event each, data as a create's event.
    await client.query(
      `WITH event AS (
         INSERT INTO events (id, merchant_id, type, payment_id, data, created_at)
         SELECT 'evt_d' || n, 'mer_bench', 'payment.captured', NULL, (SELECT data FROM events LIMIT 1), now()
           FROM generate_series(1, $1::int) AS n
         RETURNING id
       )
       INSERT INTO webhook_deliveries (id, merchant_id, event_id, endpoint_id, next_attempt_at)
       SELECT 'whd_' || substr(id, 6), 'mer_bench', id, 'we_bench', now() FROM event`,
      [DELIVER_ROWS],
    );
    await client.query('VACUUM ANALYZE webhook_deliveries');
    await client.end();
    const deliver = await pgbench(databaseUrl, 'deliver-transaction.sql', connections, duration, [`--define=rows=${DELIVER_ROWS}`]);
    return { create, deliver };
  } finally {
    const cleanup = new Client({ connectionString: adminDatabaseUrl });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await cleanup.end();
  }
}

async function pgbench(databaseUrl: string, script: string, connections: number, duration: number, extra: string[] = []): Promise<number> {
  const { stdout } = await promisify(execFile)(
    'pgbench',
    ['-n', '-c', String(connections), '-j', '2', '-T', String(duration), ...extra, '-f', join(ROOT, 'bench', script), databaseUrl],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const tps = /^tps = ([\d.]+)/m.exec(stdout);
  if (!tps) throw new Error(`pgbench ${script}: no tps in its output:\n${stdout}`);
  return Math.round(Number(tps[1]));
}

if (require.main === module) {
  const connections = Number(process.env.CONNECTIONS ?? 50);
  const duration = Number(process.env.DURATION ?? 20);
  const admin = process.env.ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const port = process.env.BARE_PORT ? Number(process.env.BARE_PORT) : undefined;
  measureBaseline(connections, duration, admin, port)
    .then((baseline) => {
      const file = saveBaseline(baseline);
      console.log(readFileSync(file, 'utf8').trimEnd());
    })
    .catch((error: Error) => {
      console.error(error.message);
      process.exit(1);
    });
}
