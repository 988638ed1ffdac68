import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { api, countEvents, createMerchant, sleep } from '../api';
import { BacklogSampler } from '../backlog';
import { DeliverResult, ResultBase } from '../report';
import { BenchContext } from './context';

/** Every automatic-capture create emits payment.created, .authorized and .captured. */
const EVENTS_PER_PAYMENT = 3;

/**
 * `deliver`: delivery throughput alone. The sandbox is restarted as an API-only process
 * (PROCESS_ROLE=api: nothing delivers), a fresh merchant with one `*` endpoint creates payments
 * until --deliveries (default 20,000) deliveries are due, then the delivering process starts (the
 * usual one-process sandbox; with --split an API plus a worker process) and the bench times the
 * receiver until every delivery has arrived (or none arrived for --drain seconds).
 * deliveries/s = unique deliveries ÷ (last receipt − first receipt).
 */
export async function runDeliver(ctx: BenchContext, base: Omit<ResultBase, 'scenario' | 'timestamp' | 'ratios'>): Promise<Omit<DeliverResult, 'ratios'>> {
  const sandbox = ctx.sandbox;
  if (!sandbox) throw new Error('the deliver scenario restarts the sandbox: use --spawn or --embedded');
  const { receiver, options } = ctx;
  const split = sandbox.mode.processes === 'split';

  // Nothing from earlier scenarios may still be pending: every receipt in the window must be ours.
  const before = new BacklogSampler(ctx.base, sandbox.databaseUrl);
  await before.start();
  for (const deadline = Date.now() + options.drainSeconds * 1000; (before.last ?? 1) > 0 && Date.now() < deadline; ) await sleep(250);
  const leftOver = before.last;
  await before.stop();
  if (leftOver !== 0) throw new Error(`deliver: ${leftOver} deliveries of earlier scenarios are still pending`);

  await sandbox.stopProcesses();
  await sandbox.startApi('api');
  const key = await createMerchant(ctx.base, 'bench deliver');
  await api(ctx.base, '/v1/webhook-endpoints', { method: 'POST', key, body: { url: ctx.hookUrl, enabled_events: ['*'] } });
  receiver.reset();
  const payments = Math.ceil(options.deliveries / EVENTS_PER_PAYMENT);
  const preloadStart = performance.now();
  const preload = await autocannon({
    url: ctx.base,
    connections: options.connections,
    amount: payments,
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    requests: [{ method: 'POST', path: '/v1/payments', body: JSON.stringify({ amount: 2000, currency: 'usd' }) }],
  });
  const preloadSeconds = (performance.now() - preloadStart) / 1000;
  if (preload.non2xx > 0 || preload.errors > 0) throw new Error(`deliver pre-load: ${preload.non2xx} non-2xx, ${preload.errors} errors`);
  const expected = await countEvents(ctx.base, key);
  const deliveredDuringPreload = receiver.received;
  receiver.reset();

  await sandbox.stopProcesses();
  const sampler = new BacklogSampler(ctx.base, sandbox.databaseUrl);
  const startedAt = Date.now();
  if (sandbox.databaseUrl) await sampler.start();
  await sandbox.startApi(split ? 'api' : 'all');
  if (split) sandbox.startWorker();
  if (!sandbox.databaseUrl) await sampler.start(); // embedded: only /metrics can see the backlog
  // Until all arrived, or nothing new arrived for --drain seconds.
  let seen = -1;
  let progressAt = Date.now();
  while (receiver.uniqueIds.size < expected) {
    if (receiver.received !== seen) {
      seen = receiver.received;
      progressAt = Date.now();
    } else if (Date.now() - progressAt > options.drainSeconds * 1000) {
      break;
    }
    await sleep(50);
  }
  // A moment for duplicates still on the wire to be counted.
  await sleep(500);
  const backlog = await sampler.stop();
  const unique = receiver.uniqueIds.size;
  const firstToLast = receiver.firstAt !== undefined && receiver.lastAt !== undefined ? (receiver.lastAt - receiver.firstAt) / 1000 : 0;
  return {
    ...base,
    scenario: 'deliver',
    timestamp: new Date().toISOString(),
    preload: { payments, deliveries: expected, seconds: round(preloadSeconds), delivered_during_preload: deliveredDuringPreload },
    deliveries: { expected, received: receiver.received, unique, duplicates: receiver.duplicates, lost: Math.max(0, expected - unique) },
    deliveries_per_s: firstToLast > 0 ? Math.round(unique / firstToLast) : 0,
    first_to_last_s: round(firstToLast),
    start_to_last_s: receiver.lastAt === undefined ? 0 : round((receiver.lastAt - startedAt) / 1000),
    backlog,
  };
}

function round(seconds: number): number {
  return Math.round(seconds * 100) / 100;
}
