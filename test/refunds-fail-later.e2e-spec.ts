import { DataSource } from 'typeorm';
import { RefundsService } from '../src/refunds/refunds.service';
import { bearer, createMerchant, startTestApp, TestApp, TestMerchant } from './support/test-app';

const FAIL_LATER_CARD = { type: 'card', card: { number: '4000000000005126', exp_month: 12, exp_year: new Date().getUTCFullYear() + 3 } };

describe('refunds that fail later (e2e)', () => {
  let app: TestApp;
  let db: DataSource;
  let merchant: TestMerchant;

  beforeAll(async () => {
    app = await startTestApp();
    db = app.sandbox.app.get(DataSource);
    merchant = await createMerchant(app.http, 'fail-later');
  }, 60_000);

  afterAll(async () => {
    await app.close();
  });

  async function capture(body: Record<string, unknown> = {}): Promise<string> {
    return (await app.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 1000, currency: 'usd', ...body }).expect(201)).body.id;
  }

  async function eventTypes(paymentId: string): Promise<string[]> {
    const response = await app.http.get(`/v1/events?payment_id=${paymentId}&limit=100`).set(bearer(merchant)).expect(200);
    return response.body.data.map((event: { type: string }) => event.type).reverse();
  }

  const advance = (by: string) => app.http.post('/v1/test-clock/advance').set(bearer(merchant)).send({ by }).expect(200);

  /** What the scheduled action runs when the hour is up: the real service, in a real transaction (to prove a re-run is harmless). */
  async function failNow(refundId: string): Promise<void> {
    const refunds = app.sandbox.app.get(RefundsService);
    const afterCommit = await db.transaction((manager) => refunds.failPending(manager, merchant.id, refundId, 'req_test'));
    afterCommit();
  }

  it.each([
    ['the test card 4000000000005126', { payment_method: FAIL_LATER_CARD }, {}, {}],
    ['simulate: fail_later', {}, { simulate: 'fail_later' }, {}],
    ['the Sandbox-Simulate header', {}, {}, { 'Sandbox-Simulate': 'fail_later' }],
  ])('%s → refund PENDING, the payment moves now (refund.pending)', async (_label, paymentBody, refundBody, headers) => {
    const paymentId = await capture(paymentBody);
    const refund = await app.http.post(`/v1/payments/${paymentId}/refunds`).set(bearer(merchant)).set(headers).send({ amount: 400, ...refundBody }).expect(201);
    expect(refund.body).toMatchObject({ status: 'PENDING', amount: 400, failure_code: null });
    const payment = await app.http.get(`/v1/payments/${paymentId}`).set(bearer(merchant)).expect(200);
    expect(payment.body).toMatchObject({ status: 'PARTIALLY_REFUNDED', amount_refunded: 400 });
    expect(await eventTypes(paymentId)).toEqual(['payment.created', 'payment.authorized', 'payment.captured', 'refund.pending', 'payment.partially_refunded']);
    const [row] = await db.query('SELECT status FROM refunds WHERE id = $1', [refund.body.id]);
    expect(row.status).toBe('PENDING');
  });

  it.each([
    ['another Visa card ending 5126', '4000000000185126'],
    ['another Visa card ending 5126 (4242… range)', '4242424242085126'],
    ['a Mastercard ending 5126', '5100000000065126'],
  ])('%s (%s) refunds normally: only the exact test card fails later', async (_label, number) => {
    const card = { type: 'card', card: { number, exp_month: 12, exp_year: new Date().getUTCFullYear() + 3 } };
    const paymentId = await capture({ payment_method: card });
    const payment = await app.http.get(`/v1/payments/${paymentId}`).set(bearer(merchant)).expect(200);
    expect(payment.body.payment_method.card.last4).toBe('5126');
    const refund = await app.http.post(`/v1/payments/${paymentId}/refunds`).set(bearer(merchant)).send({ amount: 400 }).expect(201);
    expect(refund.body).toMatchObject({ status: 'SUCCEEDED', amount: 400 });
    expect(await eventTypes(paymentId)).toEqual(['payment.created', 'payment.authorized', 'payment.captured', 'refund.succeeded', 'payment.partially_refunded']);
    // Nothing scheduled: an hour later on the merchant clock it still succeeded.
    await advance('61m');
    expect((await app.http.get(`/v1/refunds/${refund.body.id}`).set(bearer(merchant)).expect(200)).body.status).toBe('SUCCEEDED');
    // Only the answer is stored, never the number.
    const [row] = await db.query('SELECT refund_fails_later, row_to_json(p)::text AS everything FROM payments p WHERE id = $1', [paymentId]);
    expect(row.refund_fails_later).toBe(false);
    expect(row.everything).not.toContain(number);
  });

  it('the test card is recognised when the payment is created: a flag is stored, never the number', async () => {
    const paymentId = await capture({ payment_method: FAIL_LATER_CARD });
    const [row] = await db.query('SELECT refund_fails_later, card_brand, card_last4, row_to_json(p)::text AS everything FROM payments p WHERE id = $1', [paymentId]);
    expect(row).toMatchObject({ refund_fails_later: true, card_brand: 'visa', card_last4: '5126' });
    expect(row.everything).not.toContain(FAIL_LATER_CARD.card.number);
  });

  it('a pending refund counts against what remains refundable', async () => {
    const paymentId = await capture({ payment_method: FAIL_LATER_CARD });
    await app.http.post(`/v1/payments/${paymentId}/refunds`).set(bearer(merchant)).send({ amount: 700 }).expect(201);
    const over = await app.http.post(`/v1/payments/${paymentId}/refunds`).set(bearer(merchant)).send({ simulate: 'fail_later', amount: 301 }).expect(400);
    expect(over.body.error.code).toBe('refund_exceeds_captured');
  });

  it('when it fails: refund FAILED (refund.failed), the payment goes back through the machine (payment.refund_reverted, a history row)', async () => {
    const paymentId = await capture({ payment_method: FAIL_LATER_CARD });
    const refund = (await app.http.post(`/v1/payments/${paymentId}/refunds`).set(bearer(merchant)).send({}).expect(201)).body;
    expect(refund).toMatchObject({ status: 'PENDING', amount: 1000 });
    expect((await app.http.get(`/v1/payments/${paymentId}`).set(bearer(merchant)).expect(200)).body).toMatchObject({ status: 'REFUNDED', amount_refunded: 1000 });

    await advance('59m');
    expect((await app.http.get(`/v1/refunds/${refund.id}`).set(bearer(merchant)).expect(200)).body.status).toBe('PENDING');
    await advance('1m');
    const failed = await app.http.get(`/v1/refunds/${refund.id}`).set(bearer(merchant)).expect(200);
    expect(failed.body).toMatchObject({ status: 'FAILED', failure_code: 'refund_failure' });
    const payment = await app.http.get(`/v1/payments/${paymentId}`).set(bearer(merchant)).expect(200);
    expect(payment.body).toMatchObject({ status: 'CAPTURED', amount_captured: 1000, amount_refunded: 0 });
    const types = await eventTypes(paymentId);
    expect(types.slice(-2)).toEqual(['refund.failed', 'payment.refund_reverted']);
    expect(types.filter((type) => type === 'payment.captured')).toHaveLength(1);
    const history = await db.query('SELECT from_status, to_status, event FROM payment_history WHERE payment_id = $1 ORDER BY id DESC LIMIT 1', [paymentId]);
    expect(history).toEqual([{ from_status: 'REFUNDED', to_status: 'CAPTURED', event: 'REVERT_REFUND' }]);
    // Exactly one hour after the refund, on the merchant clock.
    const [times] = await db.query(
      `SELECT (SELECT created_at FROM refunds WHERE id = $1) AS refunded, (SELECT created_at FROM events WHERE refund_id = $1 AND type = 'refund.failed') AS failed`,
      [refund.id],
    );
    expect(times.failed.getTime() - times.refunded.getTime()).toBe(60 * 60 * 1000);

    // At-least-once safe: running the failure again changes nothing.
    await failNow(refund.id);
    expect(await eventTypes(paymentId)).toEqual(types);
    // The amount is refundable again.
    await app.http.post(`/v1/payments/${paymentId}/refunds`).set(bearer(merchant)).send({ amount: 1000, simulate: 'refund_failure' }).expect(201);
  });

  it('a partial pending refund that fails leaves the other refund in place', async () => {
    const paymentId = await capture();
    await app.http.post(`/v1/payments/${paymentId}/refunds`).set(bearer(merchant)).send({ amount: 300 }).expect(201);
    const pending = (await app.http.post(`/v1/payments/${paymentId}/refunds`).set(bearer(merchant)).send({ amount: 200, simulate: 'fail_later' }).expect(201)).body;
    await advance('61m');
    expect((await app.http.get(`/v1/refunds/${pending.id}`).set(bearer(merchant)).expect(200)).body.status).toBe('FAILED');
    const payment = await app.http.get(`/v1/payments/${paymentId}`).set(bearer(merchant)).expect(200);
    expect(payment.body).toMatchObject({ status: 'PARTIALLY_REFUNDED', amount_refunded: 300 });
  });
});
