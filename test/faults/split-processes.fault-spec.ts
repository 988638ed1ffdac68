import { createEndpoint, createMerchant, createPayment, FaultCluster, outboxCounts, partialPayments, report } from './support/cluster';
import { runPool, tally } from './support/http-client';
import { waitFor } from './support/processes';

jest.setTimeout(120_000);

const PAYMENTS = 300;
const CONCURRENCY = 16;
/** Longer than a sweep interval plus its grace (FAULT_DEFAULTS): a late duplicate would show up. */
const QUIET_PERIOD_MS = 1_500;

/**
 * Issue 5 item 3: `start:api` ×2 and `start:worker` ×2 against one Postgres and one Redis. Both APIs
 * start at the same moment on an empty database (their migrations race), a burst of payments is
 * spread over both, and every event reaches the receiver exactly once (no fault, so no duplicate).
 */
describe('split processes: two API processes and two workers on one Postgres and Redis', () => {
  let cluster: FaultCluster;

  beforeAll(async () => {
    cluster = await FaultCluster.start();
  });

  afterAll(async () => {
    await cluster?.destroy();
  });

  it('delivers every event of a burst spread over both APIs, none twice', async () => {
    const started = Date.now();
    const apis = await Promise.all([cluster.startApi('api'), cluster.startApi('api')]);
    await Promise.all([cluster.startWorker(), cluster.startWorker()]);
    const merchant = await createMerchant(apis[0].baseUrl, 'split processes');
    const endpointId = await createEndpoint(apis[1].baseUrl, merchant, cluster.receiver.url('/split'));

    const statuses = await runPool(PAYMENTS, CONCURRENCY, async (i) => (await createPayment(apis[i % 2].baseUrl, merchant, i)).status);
    expect(tally(statuses)).toEqual({ '201': PAYMENTS });

    const counts = await outboxCounts(cluster.postgres, merchant.id);
    expect(counts.payments).toBe(PAYMENTS);
    expect(counts.deliveries).toBe(counts.events);
    await waitFor(
      'every event delivered',
      async () => {
        const now = await outboxCounts(cluster.postgres, merchant.id);
        return cluster.receiver.uniqueIds('/split').size === counts.events && now.succeeded === counts.deliveries ? true : undefined;
      },
      60_000,
      100,
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${cluster.receiver.uniqueIds('/split').size}/${counts.events} delivered\n${cluster.outputs()}`);
    });
    await new Promise((resolve) => setTimeout(resolve, QUIET_PERIOD_MS));

    const summary = {
      scenario: 'split-processes',
      apis: 2,
      workers: 2,
      payments: counts.payments,
      events: counts.events,
      expected: counts.events,
      received: cluster.receiver.at('/split').length,
      unique: cluster.receiver.uniqueIds('/split').size,
      duplicates: cluster.receiver.duplicates('/split'),
      partial_payments: (await partialPayments(cluster.postgres, merchant.id)).length,
      endpoint: endpointId,
      seconds: (Date.now() - started) / 1000,
    };
    report(summary);
    expect(summary.unique).toBe(counts.events);
    expect(summary.duplicates).toBe(0);
    expect(summary.partial_payments).toBe(0);
  });
});
