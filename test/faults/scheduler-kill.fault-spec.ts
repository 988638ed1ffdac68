import { createEndpoint, createMerchant, FaultCluster, partialPayments, report, SandboxProcess } from './support/cluster';
import { call, runPool, tally } from './support/http-client';
import { waitFor } from './support/processes';

jest.setTimeout(180_000);

const PAYMENTS = 600;
const PATH = '/scheduler-kill';
const WORKER_ENV = { SCHEDULER_POLL_INTERVAL_MS: '100' };

interface Counts {
  pending: number;
  done: number;
  canceled_payments: number;
  cancel_events: number;
  cancel_history: number;
}

/**
 * Issue 11: a worker SIGKILLed while it drains scheduled actions (authorization expiries, due on
 * the merchant clock) loses nothing: the batch it had open rolls back, a restarted worker runs the
 * rest, and every payment is canceled exactly once (one history row, one payment.canceled event).
 */
describe('worker killed mid-drain of scheduled actions', () => {
  let cluster: FaultCluster;

  beforeAll(async () => {
    cluster = await FaultCluster.start();
  });

  afterAll(async () => {
    await cluster?.destroy();
  });

  async function counts(merchantId: string): Promise<Counts> {
    const [row] = await cluster.postgres.query<Counts>(
      `SELECT (SELECT count(*) FROM scheduled_actions WHERE merchant_id = $1 AND status = 'pending')::int AS pending,
              (SELECT count(*) FROM scheduled_actions WHERE merchant_id = $1 AND status = 'done')::int AS done,
              (SELECT count(*) FROM payments WHERE merchant_id = $1 AND status = 'CANCELED' AND cancellation_reason = 'authorization_expired')::int AS canceled_payments,
              (SELECT count(*) FROM events WHERE merchant_id = $1 AND type = 'payment.canceled')::int AS cancel_events,
              (SELECT count(*) FROM payment_history h JOIN payments p ON p.id = h.payment_id
                WHERE p.merchant_id = $1 AND h.to_status = 'CANCELED')::int AS cancel_history`,
      [merchantId],
    );
    return row;
  }

  it('every expiry runs exactly once after a SIGKILL and restart', async () => {
    const started = Date.now();
    // An API process without a worker; authorizations expire 3 s after creation on the merchant clock.
    const api = await cluster.startApi('api', { env: { AUTH_EXPIRY: '3s' } });
    const merchant = await createMerchant(api.baseUrl, 'scheduler kill');
    await createEndpoint(api.baseUrl, merchant, cluster.receiver.url(PATH));
    const created = await runPool(PAYMENTS, 10, async (i) => {
      const response = await call(api.baseUrl, 'POST', '/v1/payments', {
        key: merchant.key,
        body: { amount: 1000 + i, currency: 'usd', capture_method: 'manual' },
      });
      return response.status;
    });
    expect(tally(created)).toEqual({ '201': PAYMENTS });
    // Let every authorization fall due before any worker runs.
    await waitFor('the expiries to fall due', async () => {
      const [row] = await cluster.postgres.query<{ due: number }>(
        `SELECT count(*)::int AS due FROM scheduled_actions WHERE merchant_id = $1 AND due_at <= now()`,
        [merchant.id],
      );
      return row.due === PAYMENTS ? true : undefined;
    }, 30_000, 100);

    let worker: SandboxProcess = await cluster.startWorker({ env: WORKER_ENV });
    const atKill = await waitFor('the worker to be mid-drain', async () => {
      const now = await counts(merchant.id);
      return now.done > 0 ? now : undefined;
    }, 30_000, 2);
    await cluster.kill(worker);
    const afterKill = await counts(merchant.id);

    worker = await cluster.startWorker({ env: WORKER_ENV });
    const final = await waitFor('every expiry to have run', async () => {
      const now = await counts(merchant.id);
      return now.done === PAYMENTS ? now : undefined;
    }, 60_000, 100).catch((error: Error) => {
      throw new Error(`${error.message}\n${cluster.outputs()}`);
    });
    const partial = await partialPayments(cluster.postgres, merchant.id);

    const summary = {
      scenario: 'scheduler-kill',
      payments: PAYMENTS,
      done_seen_at_kill: atKill.done,
      pending_after_kill: afterKill.pending,
      ...final,
      partial_payments: partial.length,
      seconds: (Date.now() - started) / 1000,
    };
    report(summary);
    expect(afterKill.pending).toBeGreaterThan(0); // the kill landed mid-drain
    expect(final).toEqual({ pending: 0, done: PAYMENTS, canceled_payments: PAYMENTS, cancel_events: PAYMENTS, cancel_history: PAYMENTS });
    expect(partial).toEqual([]);
    expect(worker.process.isRunning()).toBe(true);
  });
});
