import { createMerchant, FaultCluster, report, SandboxProcess } from './support/cluster';
import { call, runPool } from './support/http-client';
import { waitFor } from './support/processes';
import { countBy, retryUntilAnswered } from './support/retrying-client';

jest.setTimeout(180_000);

const PAYMENTS = 60;
const CONCURRENCY = 12;
const KILL_AFTER = 20;
const RETRY_PAUSE_MS = 100;
const KEY_DEADLINE_MS = 90_000;
const PAYMENT_AMOUNT = 5_000;
const REFUND_AMOUNT = 1_500;
/** The refund commits, then the response waits this long: a SIGKILL lands between commit and response. */
const COMMIT_TO_RESPONSE_MS = 300;
const API_ENV = { IDEMPOTENCY_LOCK_TIMEOUT: '2s' };

/**
 * Refund crash recovery with a real SIGKILL (as api-kill does for create): clients refund one
 * payment each with an Idempotency-Key; the API is killed under load and started again; every
 * client retries its key until answered. Exactly one refund per key and payment, amount_refunded
 * equal to it, and a replay returns that refund.
 */
describe('API killed while refunding, clients retry with the same Idempotency-Key', () => {
  let cluster: FaultCluster;

  beforeAll(async () => {
    cluster = await FaultCluster.start({ redis: false });
  });

  afterAll(async () => {
    await cluster?.destroy();
  });

  it('ends with exactly one refund per key, the payment refunded once, and the replay returns the refund', async () => {
    const started = Date.now();
    let api: SandboxProcess = await cluster.startApi('api', { env: API_ENV });
    const baseUrl = api.baseUrl;
    const merchant = await createMerchant(baseUrl, 'refund kill');
    const paymentIds = await runPool(PAYMENTS, 6, async (i) => {
      const response = await call<{ id: string; status: string }>(baseUrl, 'POST', '/v1/payments', {
        key: merchant.key,
        body: { amount: PAYMENT_AMOUNT, currency: 'usd', description: `refund kill ${i}` },
      });
      if (response.status !== 201 || response.body.status !== 'CAPTURED') throw new Error(`payment ${i}: ${response.status}`);
      return response.body.id;
    });
    const runId = `${process.pid}-${Date.now()}`;
    const keyOf = (i: number) => `refund-kill-${runId}-${i}`;
    const refundRequest = (i: number) => ({
      path: `/v1/payments/${paymentIds[i]}/refunds`,
      body: { amount: REFUND_AMOUNT, simulate_delay_ms: COMMIT_TO_RESPONSE_MS },
    });

    let answered = 0;
    const clients = runPool(PAYMENTS, CONCURRENCY, (i) =>
      retryUntilAnswered({
        baseUrl,
        apiKey: merchant.key,
        ...refundRequest(i),
        idempotencyKey: keyOf(i),
        deadlineMs: KEY_DEADLINE_MS,
        pauseMs: RETRY_PAUSE_MS,
        onAnswer: () => answered++,
      }),
    );
    await waitFor('refunds answered before the kill', () => (answered >= KILL_AFTER ? true : undefined), 60_000, 2);
    await cluster.kill(api);
    const killedAt = Date.now();
    const answeredAtKill = answered;
    api = await cluster.startApi('api', { env: API_ENV, port: api.port });
    const results = await clients;

    const refunds = await cluster.postgres.query<{ key: string; payment_id: string; refunds: number; ids: string[]; first_created: Date }>(
      `SELECT split_part(idempotency_key, '#', 1) AS key, min(payment_id) AS payment_id, count(*)::int AS refunds,
              array_agg(id) AS ids, min(created_at) AS first_created
         FROM refunds WHERE merchant_id = $1 GROUP BY 1`,
      [merchant.id],
    );
    const byKey = new Map(refunds.map((row) => [row.key, row]));
    const payments = await cluster.postgres.query<{ id: string; amount_refunded: string; status: string }>(
      'SELECT id, amount_refunded, status FROM payments WHERE merchant_id = $1',
      [merchant.id],
    );
    const replays = await runPool(PAYMENTS, CONCURRENCY, async (i) => {
      const { path, body } = refundRequest(i);
      const response = await call<{ id: string }>(baseUrl, 'POST', path, { key: merchant.key, body, headers: { 'idempotency-key': keyOf(i) } });
      return { status: response.status, id: response.body.id, replayed: response.headers.get('idempotent-replayed') === 'true' };
    });

    const summary = {
      scenario: 'refund-kill',
      keys: PAYMENTS,
      answered_at_kill: answeredAtKill,
      statuses: countBy(results.map((r) => r.status)),
      keys_without_answer_at_least_once: results.filter((r) => r.noAnswers > 0).length,
      keys_answered_409_in_use: results.filter((r) => r.inUse > 0).length,
      committed_before_kill_answered_after: results.filter(
        (r) => r.answeredAt > killedAt && (byKey.get(r.key)?.first_created.getTime() ?? Infinity) < killedAt,
      ).length,
      refunds: refunds.reduce((sum, row) => sum + row.refunds, 0),
      keys_with_one_refund: refunds.filter((row) => row.refunds === 1).length,
      refund_on_its_own_payment: refunds.filter((row) => paymentIds[Number(row.key.split('-').pop())] === row.payment_id).length,
      payments_refunded_once: payments.filter((p) => Number(p.amount_refunded) === REFUND_AMOUNT && p.status === 'PARTIALLY_REFUNDED').length,
      answer_matches_stored: results.filter((r) => byKey.get(r.key)?.ids[0] === r.id).length,
      replays_same_refund: replays.filter((replay, i) => replay.status === 201 && replay.replayed && replay.id === results[i].id).length,
      max_tries: Math.max(...results.map((r) => r.tries)),
      seconds: (Date.now() - started) / 1000,
    };
    report(summary);
    expect(summary.statuses).toEqual({ 201: PAYMENTS });
    expect(summary.keys_without_answer_at_least_once).toBeGreaterThan(0);
    expect(summary.committed_before_kill_answered_after).toBeGreaterThan(0);
    expect(summary.refunds).toBe(PAYMENTS);
    expect(summary.keys_with_one_refund).toBe(PAYMENTS);
    expect(summary.refund_on_its_own_payment).toBe(PAYMENTS);
    expect(summary.payments_refunded_once).toBe(PAYMENTS);
    expect(summary.answer_matches_stored).toBe(PAYMENTS);
    expect(summary.replays_same_refund).toBe(PAYMENTS);
    expect(api.process.isRunning()).toBe(true);
  });
});
