/**
 * npm run bench -- [--url http://localhost:4242] [--spawn [--split]] [--connections 50] [--duration 20]
 *                  [--scenarios create,lifecycle,read,idempotent-replay,routing,risk-rules] [--drain 30] [--sse-clients 20]
 *
 * `routing` is `create` for a merchant with routing rules set (three rules, a 50/50 volume split)
 * and payer country from customer_ip: the routing work on top of `create` (default routing).
 *
 * Measures the sandbox the same way every time: req/s and latency per scenario, plus webhook
 * delivery to a local receiver (lag and lost = expected − unique received after a drain wait).
 * --sse-clients N keeps N Server-Sent-Events clients connected to the merchant's stream during each
 * scenario (the live-stream cost on the write path) and reports what they received.
 * Writes bench/results/<scenario>-<timestamp>.json and prints one summary table.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { BenchReceiver } from './receiver';
import { SseClients } from './sse-clients';

const ROOT = resolve(__dirname, '..');
const RESULTS_DIR = join(ROOT, 'bench', 'results');
const SCENARIOS = ['create', 'lifecycle', 'read', 'idempotent-replay', 'routing', 'risk-rules'] as const;

/** The `risk-rules` scenario: `create` for a merchant with 20 more rules (none matches), the risk cost of rules. */
const BENCH_RISK_RULES = Array.from({ length: 20 }, (_, i) => ({
  action: (['block', 'review', 'allow'] as const)[i % 3],
  predicate: `(:amount_in_usd: > ${100_000 + i} and :card_country: in ('NG', 'RU')) or (:charges_per_ip_hourly: > ${1_000_000 + i} and not :currency: = 'usd')`,
}));

/** The `routing` scenario's rules: the payments match the last one (USD, split by payment id). */
const BENCH_ROUTING = {
  rules: [
    { if: { method: ['upi'], country: ['IN'] }, then: { type: 'priority', connectors: ['razorpay_sim'] } },
    { if: { currency: ['EUR'], country: ['DE', 'FR'] }, then: { type: 'priority', connectors: ['adyen_sim', 'stripe_sim'] } },
    { if: { currency: ['USD'] }, then: { type: 'volume_split', splits: [{ connector: 'adyen_sim', percent: 50 }, { connector: 'stripe_sim', percent: 50 }] } },
  ],
  default: ['stripe_sim'],
  max_attempts: 3,
};
type Scenario = (typeof SCENARIOS)[number];

const { values: args } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://localhost:4242' },
    spawn: { type: 'boolean', default: false },
    // With --spawn: the API (PROCESS_ROLE=api) and the webhook worker (dist/worker.js) as two processes.
    split: { type: 'boolean', default: false },
    connections: { type: 'string', default: '50' },
    duration: { type: 'string', default: '20' },
    scenarios: { type: 'string', default: SCENARIOS.join(',') },
    drain: { type: 'string', default: '30' },
    'admin-database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
    'no-save': { type: 'boolean', default: false },
    'sse-clients': { type: 'string', default: '0' },
  },
});

interface ScenarioResult {
  scenario: Scenario;
  timestamp: string;
  connections: number;
  duration_s: number;
  requests: number;
  rps: number;
  latency_ms: { p50: number; p90: number; p99: number; max: number };
  non_2xx: number;
  errors: number;
  webhooks: { expected: number; received: number; unique: number; lag_p50_ms: number | null; lag_p99_ms: number | null; lost: number };
  sse: { clients: number; received_min: number; received_max: number };
}

async function api<T>(base: string, path: string, init: { method?: string; key?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
  const response = await fetch(base + path, {
    method: init.method ?? 'GET',
    headers: {
      'Content-Type': 'application/json',
      ...(init.key ? { Authorization: `Bearer ${init.key}` } : {}),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path} → ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

interface Spawned {
  url: string;
  stop(): Promise<void>;
}

/** Starts the built sandbox (dist/main.js) on a fresh Postgres database and Redis, rate limit off. */
async function spawnSandbox(): Promise<Spawned> {
  const database = `sandbox_bench_${Date.now()}`;
  const admin = new Client({ connectionString: args['admin-database-url'] });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const databaseUrl = new URL(args['admin-database-url']!);
  databaseUrl.pathname = `/${database}`;
  const port = await freePort();
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl.toString(),
    REDIS_URL: args['redis-url'],
    REDIS_KEY_PREFIX: `bench${Date.now()}`,
    RATE_LIMIT_RPS: '0',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    ...(args.split ? { PROCESS_ROLE: 'api' } : {}),
  };
  const start = (entry: string): ChildProcess =>
    spawn(process.execPath, [join(ROOT, 'dist', entry)], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const children = [start('main.js')];
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, children[0]);
  if (args.split) children.push(start('worker.js'));
  return {
    url,
    async stop() {
      for (const child of children) child.kill('SIGTERM');
      await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((done) => child.once('exit', done)) : undefined)));
      const cleanup = new Client({ connectionString: args['admin-database-url'] });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sandbox exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error('sandbox did not become ready within 60 s');
}

interface Setup {
  base: string;
  key: string;
  paymentId: string;
}

function requestsFor(scenario: Scenario, setup: Setup): autocannon.Request[] {
  const json = JSON.stringify;
  const createAutomatic = { method: 'POST' as const, path: '/v1/payments', body: json({ amount: 2000, currency: 'usd' }) };
  switch (scenario) {
    case 'create':
    case 'risk-rules':
      return [createAutomatic];
    case 'routing':
      // An Irish IP: payer country IE, so both split connectors can take the USD payment.
      return [{ ...createAutomatic, body: json({ amount: 2000, currency: 'usd', customer_ip: '2a00:1450:4001:81b::200e' }) }];
    case 'read':
      return [{ method: 'GET', path: `/v1/payments/${setup.paymentId}` }];
    case 'idempotent-replay':
      return [{ ...createAutomatic, headers: { 'Idempotency-Key': 'bench-replay-key' } }];
    case 'lifecycle':
      return [
        {
          method: 'POST',
          path: '/v1/payments',
          body: json({ amount: 10000, currency: 'usd', capture_method: 'manual' }),
          onResponse: (_status: number, body: string, context: Record<string, unknown>) => {
            context.paymentId = (JSON.parse(body) as { id: string }).id;
          },
        },
        {
          method: 'POST',
          setupRequest: (request, context) => ({ ...request, path: `/v1/payments/${String((context as { paymentId?: string }).paymentId)}/capture` }),
        },
        {
          method: 'POST',
          body: json({ amount: 4000 }),
          setupRequest: (request, context) => ({ ...request, path: `/v1/payments/${String((context as { paymentId?: string }).paymentId)}/refunds` }),
        },
        {
          method: 'POST',
          setupRequest: (request, context) => ({ ...request, path: `/v1/payments/${String((context as { paymentId?: string }).paymentId)}/refunds` }),
        },
      ] as autocannon.Request[];
  }
}

async function countEvents(base: string, key: string): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  for (;;) {
    const page = await api<{ data: { id: string }[]; has_more: boolean }>(
      base,
      `/v1/events?limit=100${cursor ? `&starting_after=${cursor}` : ''}`,
      { key },
    );
    count += page.data.length;
    if (!page.has_more || page.data.length === 0) return count;
    cursor = page.data[page.data.length - 1].id;
  }
}

/** autocannon stops with requests still in flight; count once the server has finished them. */
async function settledEventCount(base: string, key: string): Promise<number> {
  let previous = -1;
  let count = await countEvents(base, key);
  while (count !== previous) {
    await new Promise((done) => setTimeout(done, 500));
    previous = count;
    count = await countEvents(base, key);
  }
  return count;
}

async function drain(receiver: BenchReceiver, expected: number, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (receiver.uniqueIds.size < expected && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 100));
  }
}

async function runScenario(scenario: Scenario, base: string, receiver: BenchReceiver): Promise<ScenarioResult> {
  // A fresh merchant per scenario keeps event counts exact; one subscribed endpoint each.
  const merchant = await api<{ api_key: { secret: string } }>(base, '/v1/merchants', { method: 'POST', body: { name: `bench ${scenario}` } });
  const key = merchant.api_key.secret;
  const hookUrl = await receiverUrl;
  await api(base, '/v1/webhook-endpoints', { method: 'POST', key, body: { url: hookUrl, enabled_events: ['*'] } });
  if (scenario === 'routing') await api(base, '/v1/routing', { method: 'PUT', key, body: BENCH_ROUTING });
  if (scenario === 'risk-rules') for (const rule of BENCH_RISK_RULES) await api(base, '/v1/risk-rules', { method: 'POST', key, body: rule });
  const payment = await api<{ id: string }>(base, '/v1/payments', { method: 'POST', key, body: { amount: 2000, currency: 'usd' } });
  // Let the warm-up payment's own events arrive first so they are not counted in the window.
  const warmUpEvents = await countEvents(base, key);
  receiver.reset();
  await drain(receiver, warmUpEvents, Number(args.drain));
  receiver.reset();

  const connections = Number(args.connections);
  const duration = Number(args.duration);
  const sseClientCount = Number(args['sse-clients']);
  const sse = sseClientCount > 0 ? await SseClients.open(base, key, sseClientCount) : undefined;
  const result = await autocannon({
    url: base,
    connections,
    duration,
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    requests: requestsFor(scenario, { base, key, paymentId: payment.id }),
  });

  const expected = (await settledEventCount(base, key)) - warmUpEvents;
  await drain(receiver, expected, Number(args.drain));
  const sseReceived = sse?.received() ?? { min: 0, max: 0 };
  sse?.close();
  return {
    scenario,
    timestamp: new Date().toISOString(),
    connections,
    duration_s: duration,
    requests: result.requests.total,
    rps: Math.round(result.requests.average),
    latency_ms: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    non_2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    webhooks: {
      expected,
      received: receiver.received,
      unique: receiver.uniqueIds.size,
      lag_p50_ms: receiver.lagPercentile(50),
      lag_p99_ms: receiver.lagPercentile(99),
      lost: Math.max(0, expected - receiver.uniqueIds.size),
    },
    sse: { clients: sseClientCount, received_min: sseReceived.min, received_max: sseReceived.max },
  };
}

function latestBaseline(): { bare_rps: number; pgbench_tps: number } | undefined {
  const files = readdirSync(RESULTS_DIR).filter((file) => file.startsWith('baseline-')).sort();
  const last = files.at(-1);
  return last ? (JSON.parse(readFileSync(join(RESULTS_DIR, last), 'utf8')) as { bare_rps: number; pgbench_tps: number }) : undefined;
}

function printSummary(results: ScenarioResult[]): void {
  const rows = results.map((r) => ({
    scenario: r.scenario,
    'req/s': r.rps,
    p50: r.latency_ms.p50,
    p90: r.latency_ms.p90,
    p99: r.latency_ms.p99,
    max: r.latency_ms.max,
    'non-2xx': r.non_2xx,
    events: r.webhooks.expected,
    unique: r.webhooks.unique,
    'lag p50': r.webhooks.lag_p50_ms,
    'lag p99': r.webhooks.lag_p99_ms,
    lost: r.webhooks.lost,
    ...(r.sse.clients > 0 ? { 'sse clients': r.sse.clients, 'sse min': r.sse.received_min } : {}),
  }));
  console.table(rows);
  const create = results.find((r) => r.scenario === 'create');
  const baseline = latestBaseline();
  if (create && baseline) {
    const pct = (value: number) => `${((100 * create.rps) / value).toFixed(1)} %`;
    console.log(`create vs bare framework (${baseline.bare_rps} req/s): ${pct(baseline.bare_rps)}; vs pgbench equivalent (${baseline.pgbench_tps} tps): ${pct(baseline.pgbench_tps)}`);
  }
}

let receiverUrl: Promise<string>;

async function main(): Promise<void> {
  const scenarios = args.scenarios!.split(',').map((name) => {
    if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`unknown scenario ${name}; use ${SCENARIOS.join(',')}`);
    return name as Scenario;
  });
  mkdirSync(RESULTS_DIR, { recursive: true });
  const spawned = args.spawn ? await spawnSandbox() : undefined;
  const base = spawned?.url ?? args.url!;
  const receiver = new BenchReceiver();
  receiverUrl = receiver.start();
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of scenarios) {
      const result = await runScenario(scenario, base, receiver);
      results.push(result);
      if (!args['no-save']) {
        const file = join(RESULTS_DIR, `${scenario}-${result.timestamp.replace(/[:.]/g, '-')}.json`);
        writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
      }
    }
  } finally {
    await receiver.stop();
    await spawned?.stop();
  }
  printSummary(results);
  const lost = results.reduce((sum, r) => sum + r.webhooks.lost, 0);
  if (lost > 0) {
    console.error(`LOST ${lost} webhook deliveries`);
    process.exit(1);
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
