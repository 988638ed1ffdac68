/**
 * node -r @swc-node/register bench/listen.ts [--payments 1000] [--concurrency 10]
 *
 * How fast `payment-sandbox listen` forwards: starts the built sandbox (embedded, :memory:), a local
 * receiver and the built CLI's `listen --forward-to`, creates payments as fast as it can, and reports
 * events produced, forwarded (unique and total) and forwarded events/s (first to last receipt).
 */
import { spawn } from 'node:child_process';
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
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function main(): Promise<void> {
  ensureBuilt();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const sandbox = spawnBuilt('main', { PORT: String(port), HOST: '127.0.0.1', SANDBOX_DATA_DIR: ':memory:', SEED_DEMO: 'false', RATE_LIMIT_RPS: '0', LOG_LEVEL: 'warn' });
  const receiver = new BenchReceiver();
  const target = await receiver.start();
  try {
    await waitFor(() => fetch(`${url}/health/ready`).then((r) => r.ok, () => false), 60_000, 'the sandbox');
    const signUp = await fetch(`${url}/v1/merchants`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"bench listen"}' });
    const key = ((await signUp.json()) as { api_key: { secret: string } }).api_key.secret;
    const listen = spawn(process.execPath, [join(ROOT, 'bin', 'payment-sandbox.js'), 'listen', '--forward-to', target, '--json'], {
      env: { PATH: process.env.PATH ?? '', SANDBOX_URL: url, SANDBOX_API_KEY: key },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    listen.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    await waitFor(() => out.includes('"ready":true'), 30_000, 'listen to connect');

    const payments = Number(args.payments);
    let next = 0;
    let firstReceipt = 0;
    const watcher = setInterval(() => (firstReceipt ||= receiver.uniqueIds.size > 0 ? Date.now() : 0), 5);
    const started = Date.now();
    await Promise.all(
      Array.from({ length: Number(args.concurrency) }, async () => {
        while (next++ < payments) {
          const response = await fetch(`${url}/v1/payments`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: '{"amount":2000,"currency":"usd"}' });
          await response.arrayBuffer();
        }
      }),
    );
    const produced = Date.now() - started;
    const events = payments * EVENTS_PER_PAYMENT;
    await waitFor(() => receiver.uniqueIds.size >= events, 300_000, 'every event to be forwarded');
    const lastReceipt = Date.now();
    clearInterval(watcher);
    listen.kill('SIGINT');
    const forwardedSeconds = (lastReceipt - firstReceipt) / 1000;
    console.log(
      JSON.stringify({
        payments,
        events,
        produce_events_per_s: Math.round(events / (produced / 1000)),
        forwarded_unique: receiver.uniqueIds.size,
        forwarded_total: receiver.received,
        forward_events_per_s: Math.round(receiver.uniqueIds.size / forwardedSeconds),
        forwarding_s: forwardedSeconds,
        lag_p50_ms: receiver.lagPercentile(50),
        lag_p99_ms: receiver.lagPercentile(99),
      }),
    );
  } finally {
    await receiver.stop();
    sandbox.child.kill('SIGTERM');
    await sandbox.exited;
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
