import { createMerchant, FaultCluster, report } from './support/cluster';
import { call } from './support/http-client';

jest.setTimeout(120_000);

const ROUNDS = 15;
// Long enough that a process serving its cached clock after an advance answered would be caught.
const CLOCK_ENV = { CLOCK_CACHE_MS: '1500', AUTH_EXPIRY: '1h', SCHEDULER_POLL_INTERVAL_MS: '100' };

interface Clock {
  now: string;
  offset_ms: number;
}

/**
 * Issue 11 with split processes: two API processes and a worker on one database. Once an advance
 * answered on one API, the other (whose cache held the old clock) reads the new time at once; the
 * expiries it ran are done exactly once although the worker polls the same merchant all along.
 */
describe('merchant clock across processes', () => {
  let cluster: FaultCluster;

  beforeAll(async () => {
    cluster = await FaultCluster.start({ redis: false });
  });

  afterAll(async () => {
    await cluster?.destroy();
  });

  it('no process reads the old time after an advance answered; actions run once', async () => {
    const a = await cluster.startApi('api', { env: CLOCK_ENV, name: 'api-a' });
    const b = await cluster.startApi('api', { env: CLOCK_ENV, name: 'api-b' });
    await cluster.startWorker({ env: CLOCK_ENV });
    const merchant = await createMerchant(a.baseUrl, 'clock processes');
    const clockOn = async (baseUrl: string) => (await call<Clock>(baseUrl, 'GET', '/v1/test-clock', { key: merchant.key })).body;

    let stale = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const payment = await call<{ id: string; status: string }>(b.baseUrl, 'POST', '/v1/payments', {
        key: merchant.key,
        body: { amount: 1000 + round, currency: 'usd', capture_method: 'manual' },
      });
      expect(payment.status).toBe(201);
      await clockOn(b.baseUrl); // b now caches the clock
      const advanced = await call<Clock>(a.baseUrl, 'POST', '/v1/test-clock/advance', { key: merchant.key, body: { by: '61m' } });
      expect(advanced.status).toBe(200);
      const seen = await clockOn(b.baseUrl);
      if (Date.parse(seen.now) < Date.parse(advanced.body.now)) stale++;
      // Its authorization expired during that advance, before it answered.
      const after = await call<{ status: string; cancellation_reason: string }>(b.baseUrl, 'GET', `/v1/payments/${payment.body.id}`, { key: merchant.key });
      expect(after.body).toMatchObject({ status: 'CANCELED', cancellation_reason: 'authorization_expired' });
    }

    const [counts] = await cluster.postgres.query<{ done: number; pending: number; canceled: number; events: number }>(
      `SELECT (SELECT count(*) FROM scheduled_actions WHERE merchant_id = $1 AND status = 'done')::int AS done,
              (SELECT count(*) FROM scheduled_actions WHERE merchant_id = $1 AND status = 'pending')::int AS pending,
              (SELECT count(*) FROM payments WHERE merchant_id = $1 AND cancellation_reason = 'authorization_expired')::int AS canceled,
              (SELECT count(*) FROM events WHERE merchant_id = $1 AND type = 'payment.canceled')::int AS events`,
      [merchant.id],
    );
    const summary = { scenario: 'clock-processes', rounds: ROUNDS, stale_reads: stale, ...counts };
    report(summary);
    expect(stale).toBe(0);
    expect(counts).toEqual({ done: ROUNDS, pending: 0, canceled: ROUNDS, events: ROUNDS });
  });
});
