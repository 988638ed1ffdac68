/**
 * node -r @swc-node/register bench/listen.ts [--payments 1000] [--concurrency 10]
 *
 * How fast `payment-sandbox listen` forwards, against the built sandbox (embedded, :memory:) and a
 * local receiver:
 * - replay: creates the payments first, then starts `listen --since <first event>`, so the stream
 *   replays the stored backlog as fast as the CLI forwards it (the CLI's own rate);
 * - live: starts `listen`, then creates the payments as fast as it can (bounded by the sandbox).
 * Prints forwarded events/s (first to last receipt), unique and total received, and receipt lag.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureBuilt, freePort, spawnBuilt } from '../test/support/built-app';
import { BenchReceiver } from './receiver';

const ROOT = resolve(__dirname, '..');
/** An automatic-capture payment emits payment.created, payment.authorized and payment.captured. */
const EVENTS_PER_PAYMENT = 3;
const { values: args } = parseArgs({ options: { payments: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '10' } } });

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function api<T>(url: string, path: string, key?: string, body?: unknown): Promise<T> {
  const response = await fetch(url + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await response.json()) as T;
}

async function createPayments(url: string, key: string, count: number, concurrency: number): Promise<number> {
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < count) await api(url, '/v1/payments', key, { amount: 2000, currency: 'usd' });
    }),
  );
  return Date.now() - started;
}

function startListen(url: string, key: string, target: string, extra: string[]): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'payment-sandbox.js'), 'listen', '--forward-to', target, '--json', ...extra], {
    env: { PATH: process.env.PATH ?? '', SANDBOX_URL: url, SANDBOX_API_KEY: key },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  return { child, ready: waitFor(() => out.includes('"ready":true'), 30_000, 'listen to connect') };
}

async function measure(receiver: BenchReceiver, events: number, work: () => Promise<void>): Promise<Record<string, number | null>> {
  let first = 0;
  const watcher = setInterval(() => (first ||= receiver.uniqueIds.size > 0 ? Date.now() : 0), 2);
  await work();
  await waitFor(() => receiver.uniqueIds.size >= events, 600_000, 'every event to be forwarded');
  const seconds = (Date.now() - first) / 1000;
  clearInterval(watcher);
  const result = {
    events,
    forwarded_unique: receiver.uniqueIds.size,
    forwarded_total: receiver.received,
    forward_events_per_s: Math.round(receiver.uniqueIds.size / seconds),
    lag_p50_ms: receiver.lagPercentile(50),
    lag_p99_ms: receiver.lagPercentile(99),
  };
  receiver.reset();
  return result;
}

async function main(): Promise<void> {
  ensureBuilt();
  const payments = Number(args.payments);
  const concurrency = Number(args.concurrency);
  const events = payments * EVENTS_PER_PAYMENT;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const sandbox = spawnBuilt('main', { PORT: String(port), HOST: '127.0.0.1', SANDBOX_DATA_DIR: ':memory:', SEED_DEMO: 'false', RATE_LIMIT_RPS: '0', LOG_LEVEL: 'warn' });
  const receiver = new BenchReceiver();
  const target = await receiver.start();
  const listeners: ChildProcess[] = [];
  try {
    await waitFor(() => fetch(`${url}/health/ready`).then((r) => r.ok, () => false), 60_000, 'the sandbox');
    const signUp = async () => (await api<{ api_key: { secret: string } }>(url, '/v1/merchants', undefined, { name: 'bench listen' })).api_key.secret;

    // replay: a backlog of stored events, forwarded from --since.
    const replayKey = await signUp();
    await createPayments(url, replayKey, 1, 1);
    const [marker] = (await api<{ data: Array<{ id: string }> }>(url, '/v1/events?limit=100', replayKey)).data.slice(-1);
    const produceMs = await createPayments(url, replayKey, payments, concurrency);
    const replay = await measure(receiver, events, async () => {
      const listen = startListen(url, replayKey, target, ['--since', marker.id]);
      listeners.push(listen.child);
      await listen.ready;
    });

    // live: listen first, then produce.
    const liveKey = await signUp();
    const listen = startListen(url, liveKey, target, []);
    listeners.push(listen.child);
    await listen.ready;
    let liveProduceMs = 0;
    const live = await measure(receiver, events, async () => {
      liveProduceMs = await createPayments(url, liveKey, payments, concurrency);
    });
    console.log(JSON.stringify({
      payments,
      replay: { ...replay, backlog_created_events_per_s: Math.round(events / (produceMs / 1000)) },
      live: { ...live, produced_events_per_s: Math.round(events / (liveProduceMs / 1000)) },
    }, null, 2));
  } finally {
    for (const child of listeners) child.kill('SIGINT');
    await receiver.stop();
    sandbox.child.kill('SIGTERM');
    await sandbox.exited;
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
