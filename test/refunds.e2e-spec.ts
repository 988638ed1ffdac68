import fc from 'fast-check';
import { Client } from 'pg';
import type { Test } from 'supertest';
import { DataSource } from 'typeorm';
import { bearer, createMerchant, startTestApp, TestApp, TestMerchant } from './support/test-app';

interface Payment {
  id: string;
  status: string;
  amount_captured: number;
  amount_refunded: number;
  updated_at: string;
}

interface Refund {
  id: string;
  object: string;
  payment_id: string;
  amount: number;
  currency: string;
  status: string;
  reason: string | null;
  failure_code: string | null;
  created_at: string;
}

describe('refunds (e2e)', () => {
  let app: TestApp;
  let db: DataSource;
  let merchant: TestMerchant;
  let other: TestMerchant;

  beforeAll(async () => {
    app = await startTestApp({ DATABASE_POOL_SIZE: '12' });
    db = app.sandbox.app.get(DataSource);
    merchant = await createMerchant(app.http, 'Refunds merchant');
    other = await createMerchant(app.http, 'Other merchant');
  });

  afterAll(async () => {
    await app.close();
  });

  async function payment(body: Record<string, unknown> = {}, owner = merchant): Promise<Payment> {
    const response = await app.http
      .post('/v1/payments')
      .set(bearer(owner))
      .send({ amount: 10_000, currency: 'usd', ...body })
      .expect(201);
    return response.body as Payment;
  }

  function refund(paymentId: string, body: Record<string, unknown> = {}, owner = merchant): Test {
    return app.http.post(`/v1/payments/${paymentId}/refunds`).set(bearer(owner)).send(body);
  }

  async function getPayment(id: string): Promise<Payment> {
    return (await app.http.get(`/v1/payments/${id}`).set(bearer(merchant)).expect(200)).body as Payment;
  }

  async function historyOf(paymentId: string): Promise<Array<{ from_status: string | null; to_status: string; event: string }>> {
    return db.query('SELECT from_status, to_status, event FROM payment_history WHERE payment_id = $1 ORDER BY id', [paymentId]);
  }

  async function eventsOf(paymentId: string): Promise<Array<{ type: string; data: { object: Record<string, unknown> } }>> {
    const response = await app.http.get(`/v1/events?payment_id=${paymentId}&limit=100`).set(bearer(merchant)).expect(200);
    return response.body.data.reverse();
  }

  async function succeededSum(paymentId: string): Promise<number> {
    const [row] = await db.query(
      "SELECT COALESCE(SUM(amount), 0)::int AS sum, COUNT(*)::int AS count FROM refunds WHERE payment_id = $1 AND status = 'SUCCEEDED'",
      [paymentId],
    );
    return row.sum;
  }

  describe('refunding a captured payment', () => {
    it('refunds partially and answers the refund object', async () => {
      const paid = await payment();
      const response = await refund(paid.id, { amount: 3000, reason: 'requested_by_customer' }).expect(201);
      const body = response.body as Refund;
      expect(body).toEqual({
        id: expect.stringMatching(/^re_[0-9A-Z]{26}$/),
        object: 'refund',
        payment_id: paid.id,
        amount: 3000,
        currency: 'USD',
        status: 'SUCCEEDED',
        reason: 'requested_by_customer',
        failure_code: null,
        failure_message: null,
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      });
      const after = await getPayment(paid.id);
      expect(after).toMatchObject({ status: 'PARTIALLY_REFUNDED', amount_captured: 10_000, amount_refunded: 3000 });
      const events = await eventsOf(paid.id);
      expect(events.map((event) => event.type)).toEqual([
        'payment.created',
        'payment.authorized',
        'payment.captured',
        'refund.succeeded',
        'payment.partially_refunded',
      ]);
      expect(events[3].data.object).toEqual(body);
      expect(events[4].data.object).toMatchObject({ id: paid.id, status: 'PARTIALLY_REFUNDED', amount_refunded: 3000 });
    });

    it('refunds repeatedly until fully refunded, with a history row per transition', async () => {
      const paid = await payment();
      await refund(paid.id, { amount: 2500 }).expect(201);
      await refund(paid.id, { amount: 2500 }).expect(201);
      expect(await getPayment(paid.id)).toMatchObject({ status: 'PARTIALLY_REFUNDED', amount_refunded: 5000 });
      await refund(paid.id, { amount: 5000 }).expect(201);
      expect(await getPayment(paid.id)).toMatchObject({ status: 'REFUNDED', amount_refunded: 10_000 });
      expect(await historyOf(paid.id)).toEqual([
        { from_status: null, to_status: 'CREATED', event: 'CREATE' },
        { from_status: 'CREATED', to_status: 'AUTHORIZED', event: 'AUTHORIZE' },
        { from_status: 'AUTHORIZED', to_status: 'CAPTURED', event: 'CAPTURE' },
        { from_status: 'CAPTURED', to_status: 'PARTIALLY_REFUNDED', event: 'REFUND' },
        { from_status: 'PARTIALLY_REFUNDED', to_status: 'PARTIALLY_REFUNDED', event: 'REFUND' },
        { from_status: 'PARTIALLY_REFUNDED', to_status: 'REFUNDED', event: 'REFUND' },
      ]);
      expect((await eventsOf(paid.id)).map((event) => event.type).slice(3)).toEqual([
        'refund.succeeded',
        'payment.partially_refunded',
        'refund.succeeded',
        'payment.partially_refunded',
        'refund.succeeded',
        'payment.refunded',
      ]);
      expect(await succeededSum(paid.id)).toBe(10_000);
    });

    it('defaults the amount to what remains refundable', async () => {
      const paid = await payment();
      const full = await refund(paid.id).expect(201);
      expect(full.body).toMatchObject({ amount: 10_000, status: 'SUCCEEDED' });
      expect(await getPayment(paid.id)).toMatchObject({ status: 'REFUNDED', amount_refunded: 10_000 });

      const partly = await payment();
      await refund(partly.id, { amount: 1234 }).expect(201);
      const rest = await refund(partly.id).expect(201);
      expect(rest.body.amount).toBe(10_000 - 1234);
      expect(await getPayment(partly.id)).toMatchObject({ status: 'REFUNDED', amount_refunded: 10_000 });
    });

    it('refunds only what was captured after a partial capture', async () => {
      const authorized = await payment({ capture_method: 'manual' });
      await app.http.post(`/v1/payments/${authorized.id}/capture`).set(bearer(merchant)).send({ amount: 6000 }).expect(200);
      const over = await refund(authorized.id, { amount: 6001 }).expect(400);
      expect(over.body.error).toMatchObject({ code: 'refund_exceeds_captured', param: 'amount' });
      const rest = await refund(authorized.id).expect(201);
      expect(rest.body.amount).toBe(6000);
      expect(await getPayment(authorized.id)).toMatchObject({ status: 'REFUNDED', amount_captured: 6000, amount_refunded: 6000 });
    });
  });

  describe('refusals', () => {
    it('refuses an over-refund with 400 refund_exceeds_captured and changes nothing', async () => {
      const paid = await payment();
      await refund(paid.id, { amount: 4000 }).expect(201);
      const before = await getPayment(paid.id);
      const response = await refund(paid.id, { amount: 6001 }).expect(400);
      expect(response.body.error).toMatchObject({
        type: 'invalid_request_error',
        code: 'refund_exceeds_captured',
        param: 'amount',
        request_id: expect.any(String),
      });
      expect(await getPayment(paid.id)).toEqual(before);
      expect(await historyOf(paid.id)).toHaveLength(4);
      const [{ count }] = await db.query('SELECT COUNT(*)::int AS count FROM refunds WHERE payment_id = $1', [paid.id]);
      expect(count).toBe(1);
    });

    it('answers 400 refund_exceeds_captured once the payment is fully refunded', async () => {
      const paid = await payment();
      await refund(paid.id).expect(201);
      for (const body of [{}, { amount: 1 }]) {
        const response = await refund(paid.id, body).expect(400);
        expect(response.body.error.code).toBe('refund_exceeds_captured');
      }
    });

    it.each([{}, { amount: 1 }, { amount: 99_999_999 }, { simulate: 'refund_failure' }])(
      'refuses a refund of an AUTHORIZED payment with 409 whatever the amount (%j)',
      async (body) => {
        const authorized = await payment({ capture_method: 'manual' });
        const response = await refund(authorized.id, body).expect(409);
        expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code: 'payment_invalid_state' });
        expect(await getPayment(authorized.id)).toMatchObject({ status: 'AUTHORIZED', amount_refunded: 0 });
        expect(await historyOf(authorized.id)).toHaveLength(2);
      },
    );

    it('refuses refunds of FAILED and CANCELED payments with 409', async () => {
      const failed = await payment({ simulate: 'card_declined' });
      expect((await refund(failed.id, { amount: 100 }).expect(409)).body.error.code).toBe('payment_invalid_state');
      const canceled = await payment({ capture_method: 'manual' });
      await app.http.post(`/v1/payments/${canceled.id}/cancel`).set(bearer(merchant)).send({}).expect(200);
      expect((await refund(canceled.id).expect(409)).body.error.code).toBe('payment_invalid_state');
    });

    it.each([
      [{ amount: 0 }, 'amount'],
      [{ amount: -5 }, 'amount'],
      [{ amount: 10.5 }, 'amount'],
      [{ amount: '100' }, 'amount'],
      [{ reason: 'changed_my_mind' }, 'reason'],
      [{ simulate: 'card_declined' }, 'simulate'],
      [{ simulate_delay_ms: 30_001 }, 'simulate_delay_ms'],
      [{ currency: 'usd' }, 'currency'],
    ])('rejects the invalid body %j with 400 naming %s', async (body, param) => {
      const paid = await payment();
      const response = await refund(paid.id, body).expect(400);
      expect(response.body.error.param).toBe(param);
      expect(await getPayment(paid.id)).toMatchObject({ status: 'CAPTURED', amount_refunded: 0 });
    });

    it('404s an unknown payment', async () => {
      const response = await refund('pay_DOESNOTEXIST', { amount: 100 }).expect(404);
      expect(response.body.error.code).toBe('resource_missing');
    });
  });

  describe('simulated refund failure', () => {
    it('records a FAILED refund, emits refund.failed and leaves the payment untouched', async () => {
      const paid = await payment();
      await refund(paid.id, { amount: 1000 }).expect(201);
      const before = await getPayment(paid.id);
      const historyBefore = await historyOf(paid.id);
      const response = await refund(paid.id, { amount: 2000, simulate: 'refund_failure', reason: 'duplicate' }).expect(201);
      expect(response.body).toMatchObject({
        payment_id: paid.id,
        amount: 2000,
        status: 'FAILED',
        failure_code: 'refund_failure',
        reason: 'duplicate',
      });
      expect(await getPayment(paid.id)).toEqual(before);
      expect(await historyOf(paid.id)).toEqual(historyBefore);
      const events = await eventsOf(paid.id);
      expect(events[events.length - 1]).toMatchObject({ type: 'refund.failed', data: { object: response.body } });
      expect(await succeededSum(paid.id)).toBe(1000);
      // The failed refund did not consume anything: the rest can still be refunded.
      await refund(paid.id).expect(201);
      expect(await getPayment(paid.id)).toMatchObject({ status: 'REFUNDED', amount_refunded: 10_000 });
    });

    it('still refuses an amount above what remains', async () => {
      const paid = await payment();
      const response = await refund(paid.id, { amount: 10_001, simulate: 'refund_failure' }).expect(400);
      expect(response.body.error.code).toBe('refund_exceeds_captured');
      const [{ count }] = await db.query('SELECT COUNT(*)::int AS count FROM refunds WHERE payment_id = $1', [paid.id]);
      expect(count).toBe(0);
    });
  });

  describe('reading refunds', () => {
    it('retrieves a refund and lists them newest first, filtered by payment and paginated', async () => {
      const first = await payment();
      const second = await payment();
      const a = (await refund(first.id, { amount: 100 }).expect(201)).body as Refund;
      const b = (await refund(first.id, { amount: 200 }).expect(201)).body as Refund;
      const c = (await refund(second.id, { amount: 300 }).expect(201)).body as Refund;

      expect((await app.http.get(`/v1/refunds/${a.id}`).set(bearer(merchant)).expect(200)).body).toEqual(a);

      const filtered = await app.http.get(`/v1/refunds?payment_id=${first.id}`).set(bearer(merchant)).expect(200);
      expect(filtered.body).toEqual({ object: 'list', data: [b, a], has_more: false });

      const page1 = await app.http.get('/v1/refunds?limit=2').set(bearer(merchant)).expect(200);
      expect(page1.body.data).toEqual([c, b]);
      expect(page1.body.has_more).toBe(true);
      const page2 = await app.http.get(`/v1/refunds?limit=2&starting_after=${b.id}`).set(bearer(merchant)).expect(200);
      expect(page2.body.data[0]).toEqual(a);

      const tooMany = await app.http.get('/v1/refunds?limit=101').set(bearer(merchant)).expect(400);
      expect(tooMany.body.error.param).toBe('limit');
    });

    it("never shows or touches another merchant's payments and refunds (404)", async () => {
      const paid = await payment();
      const mine = (await refund(paid.id, { amount: 500 }).expect(201)).body as Refund;

      const get = await app.http.get(`/v1/refunds/${mine.id}`).set(bearer(other)).expect(404);
      expect(get.body.error.code).toBe('resource_missing');
      const post = await refund(paid.id, { amount: 1 }, other).expect(404);
      expect(post.body.error.code).toBe('resource_missing');
      const list = await app.http.get(`/v1/refunds?payment_id=${paid.id}`).set(bearer(other)).expect(200);
      expect(list.body.data).toEqual([]);
      expect(await getPayment(paid.id)).toMatchObject({ amount_refunded: 500 });

      const theirs = await payment({}, other);
      expect((await refund(theirs.id, { amount: 1 }).expect(404)).body.error.code).toBe('resource_missing');
    });

    it('404s an unknown refund and requires an API key', async () => {
      expect((await app.http.get('/v1/refunds/re_NOPE').set(bearer(merchant)).expect(404)).body.error.code).toBe('resource_missing');
      await app.http.get('/v1/refunds').expect(401);
    });
  });

  describe('under concurrency', () => {
    it('10 parallel refunds of 2000 against a 10000 capture: exactly 5 succeed, no 5xx', async () => {
      const paid = await payment({ amount: 10_000 });
      const responses = await Promise.all(Array.from({ length: 10 }, () => refund(paid.id, { amount: 2000 })));
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses).toEqual([201, 201, 201, 201, 201, 400, 400, 400, 400, 400]);
      for (const response of responses.filter((r) => r.status === 400)) {
        expect(response.body.error.code).toBe('refund_exceeds_captured');
      }
      expect(await getPayment(paid.id)).toMatchObject({ status: 'REFUNDED', amount_refunded: 10_000 });
      expect(await succeededSum(paid.id)).toBe(10_000);
      const refundHistory = (await historyOf(paid.id)).filter((row) => row.event === 'REFUND');
      expect(refundHistory).toHaveLength(5);
    });

    it('the database itself refuses amount_refunded above amount_captured', async () => {
      const paid = await payment({ amount: 500 });
      const client = new Client({ connectionString: process.env.TEST_DATABASE_URL });
      await client.connect();
      try {
        await expect(client.query('UPDATE payments SET amount_refunded = 501 WHERE id = $1', [paid.id])).rejects.toThrow(
          /payments_amount_refunded_chk/,
        );
      } finally {
        await client.end();
      }
    });

    it('property: concurrent random refunds never exceed the capture and always add up', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 20_000 }),
          fc.array(fc.integer({ min: 1, max: 8_000 }), { minLength: 1, maxLength: 8 }),
          fc.array(fc.constantFrom<'amount' | 'default' | 'fail'>('amount', 'amount', 'amount', 'default', 'fail'), {
            minLength: 8,
            maxLength: 8,
          }),
          async (captured, amounts, kinds) => {
            const paid = await payment({ amount: captured });
            const bodies = amounts.map((amount, index) =>
              kinds[index] === 'default' ? {} : kinds[index] === 'fail' ? { amount, simulate: 'refund_failure' } : { amount },
            );
            const responses = await Promise.all(bodies.map((body) => refund(paid.id, body)));
            for (const response of responses) {
              expect([201, 400]).toContain(response.status);
              if (response.status === 400) expect(response.body.error.code).toBe('refund_exceeds_captured');
            }
            const succeeded = responses
              .filter((response) => response.status === 201 && response.body.status === 'SUCCEEDED')
              .reduce((sum, response) => sum + (response.body as Refund).amount, 0);
            const after = await getPayment(paid.id);
            expect(succeeded).toBeLessThanOrEqual(captured);
            expect(after.amount_refunded).toBe(succeeded);
            expect(await succeededSum(paid.id)).toBe(succeeded);
            const expectedStatus = succeeded === 0 ? 'CAPTURED' : succeeded === captured ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
            expect(after.status).toBe(expectedStatus);
          },
        ),
        { numRuns: 15 },
      );
    });
  });
});
