import { createEndpoint, createMerchant, createPayment, FaultCluster, outboxCounts, partialPayments, report } from './support/cluster';
import { call, NoAnswerError, runPool, tally } from './support/http-client';
import { waitFor } from './support/processes';

jest.setTimeout(120_000);

const PAYMENTS = 500;
const CONCURRENCY = 10;
const FLUSH_AT = 120;
const STOP_AT = 260;
/** Payments created while Redis is down (its restart waits for them). */
const WHILE_DOWN = 80;
const AFTER_BURST = 20;
const PATH = '/redis-outage';
// The rate limiter is on (its store is this Redis too) but far above the load: its outage must not fail requests either.
const API_ENV = { RATE_LIMIT_RPS: '100000' };

/**
 * Issue 7 scenario 2: during a burst of 500 payments the throwaway Redis is (a) flushed and then
 * (b) stopped and started again on the same port. Postgres is the source of truth: the API keeps
 * answering 201 (an enqueue failure is not the client's problem), the worker's sweeper rebuilds
 * the queue from the outbox rows, and every event reaches the receiver.
 */
describe('Redis flushed and restarted during a burst', () => {
  let cluster: FaultCluster;

  beforeAll(async () => {
    cluster = await FaultCluster.start();
  });

  afterAll(async () => {
    await cluster?.destroy();
  });

  it('answers 201 throughout and loses no delivery', async () => {
    const started = Date.now();
    const redis = cluster.redis!;
    const api = await cluster.startApi('api', { env: API_ENV });
    const worker = await cluster.startWorker();
    const merchant = await createMerchant(api.baseUrl, 'redis outage');
    await createEndpoint(api.baseUrl, merchant, cluster.receiver.url(PATH));

    let done = 0;
    let slowestMs = 0;
    const chaos = (async () => {
      await waitFor('the first part of the burst', () => (done >= FLUSH_AT ? true : undefined), 60_000, 5);
      await redis.flushAll();
      await waitFor('the second part of the burst', () => (done >= STOP_AT ? true : undefined), 60_000, 5);
      await redis.stopServer();
      const stoppedAt = done;
      await waitFor('payments while Redis is down', () => (done >= stoppedAt + WHILE_DOWN ? true : undefined), 60_000, 5);
      await redis.startServer();
      return { stoppedAt, restartedAt: done };
    })();

    const outcomes = await runPool(PAYMENTS, CONCURRENCY, async (i) => {
      try {
        const response = await createPayment(api.baseUrl, merchant, i, { timeoutMs: 10_000 });
        slowestMs = Math.max(slowestMs, response.durationMs);
        return response.status;
      } catch (error) {
        return error instanceof NoAnswerError ? `no_answer:${error.reason}` : 'client_error';
      } finally {
        done++;
      }
    });
    const { stoppedAt, restartedAt } = await chaos;
    expect(tally(outcomes)).toEqual({ '201': PAYMENTS });

    // A second outage after the burst, long enough for readiness to say so (its Redis check waits up to 2 s).
    await redis.stopServer();
    const readyDown = await call<{ error?: { checks?: Record<string, string> } }>(api.baseUrl, 'GET', '/health/ready', { timeoutMs: 5_000 });
    const whileDown = await runPool(AFTER_BURST, 5, async (i) => (await createPayment(api.baseUrl, merchant, PAYMENTS + i)).status);
    await redis.startServer();
    expect(tally(whileDown)).toEqual({ '201': AFTER_BURST });

    const counts = await outboxCounts(cluster.postgres, merchant.id);
    await waitFor(
      'every event delivered (the sweeper rebuilds the queue)',
      async () => {
        const now = await outboxCounts(cluster.postgres, merchant.id);
        return cluster.receiver.uniqueIds(PATH).size === counts.events && now.succeeded === counts.deliveries ? true : undefined;
      },
      60_000,
      200,
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${cluster.receiver.uniqueIds(PATH).size}/${counts.events}\n${cluster.outputs()}`);
    });
    const readyAfter = (await call(api.baseUrl, 'GET', '/health/ready')).status;

    const summary = {
      scenario: 'redis-outage',
      payments: counts.payments,
      statuses: tally(outcomes),
      slowest_create_ms: slowestMs,
      flushed_after: FLUSH_AT,
      stopped_after: stoppedAt,
      restarted_after: restartedAt,
      ready_during_outage: readyDown.status,
      ready_checks_during_outage: readyDown.body.error?.checks,
      created_during_second_outage: AFTER_BURST,
      ready_after: readyAfter,
      events: counts.events,
      expected: counts.events,
      unique: cluster.receiver.uniqueIds(PATH).size,
      received: cluster.receiver.at(PATH).length,
      duplicates: cluster.receiver.duplicates(PATH),
      sweeper_reenqueued: sweptCount(worker.process.output()),
      partial_payments: (await partialPayments(cluster.postgres, merchant.id)).length,
      seconds: (Date.now() - started) / 1000,
    };
    report(summary);
    expect(summary.payments).toBe(PAYMENTS + AFTER_BURST);
    expect(summary.restarted_after).toBeLessThan(PAYMENTS); // the restart happened during the burst
    expect(summary.unique).toBe(counts.events);
    expect(summary.partial_payments).toBe(0);
    expect(summary.ready_during_outage).toBe(503);
    expect(summary.ready_checks_during_outage).toEqual({ database: 'ok', redis: 'unavailable' });
    expect(summary.ready_after).toBe(200);
    // The flush and the restart dropped jobs: the rebuild must have come from the sweeper.
    expect(summary.sweeper_reenqueued).toBeGreaterThan(0);
  });
});

/** Sum of "Sweeper re-enqueued N webhook deliveries" lines in the worker's log. */
function sweptCount(output: string): number {
  return [...output.matchAll(/Sweeper re-enqueued (\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0);
}
