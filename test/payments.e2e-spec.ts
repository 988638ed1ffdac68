import { DataSource } from 'typeorm';
import { bearer, createMerchant, startTestApp, TestApp, TestMerchant } from './support/test-app';

interface Payment {
  id: string;
  status: string;
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  failure_code: string | null;
  failure_message: string | null;
  updated_at: string;
  [key: string]: unknown;
}

interface HistoryRow {
  from_status: string | null;
  to_status: string;
  event: string;
  api_key_id: string | null;
  request_id: string | null;
}

describe('payments (e2e)', () => {
  let app: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    app = await startTestApp();
    db = app.sandbox.app.get(DataSource);
  });

  afterAll(async () => {
    await app.close();
  });

  async function create(merchant: TestMerchant, body: Record<string, unknown> = {}, status = 201) {
    return app.http
      .post('/v1/payments')
      .set(bearer(merchant))
      .send({ amount: 2000, currency: 'usd', ...body })
      .expect(status);
  }

  async function history(paymentId: string): Promise<HistoryRow[]> {
    return db.query(
      'SELECT from_status, to_status, event, api_key_id, request_id FROM payment_history WHERE payment_id = $1 ORDER BY id',
      [paymentId],
    );
  }

  async function eventTypes(merchant: TestMerchant, paymentId: string): Promise<string[]> {
    const response = await app.http.get(`/v1/events?payment_id=${paymentId}&limit=100`).set(bearer(merchant)).expect(200);
    return response.body.data.map((event: { type: string }) => event.type).reverse();
  }

  async function snapshot(merchant: TestMerchant, id: string) {
    const payment = await app.http.get(`/v1/payments/${id}`).set(bearer(merchant)).expect(200);
    return { payment: payment.body as Payment, history: await history(id), events: await eventTypes(merchant, id) };
  }

  describe('create', () => {
    let merchant: TestMerchant;
    beforeAll(async () => {
      merchant = await createMerchant(app.http, 'payments-create');
    });

    it('an automatic payment is CAPTURED with amount_captured = amount and the full object shape', async () => {
      const response = await create(merchant, { description: 'Order #1', customer_email: 'jane@example.com' });
      expect(response.body).toEqual({
        id: expect.stringMatching(/^pay_[0-9A-Za-z]{20,}$/),
        object: 'payment',
        amount: 2000,
        currency: 'USD',
        status: 'CAPTURED',
        capture_method: 'automatic',
        amount_capturable: 0,
        amount_captured: 2000,
        amount_refunded: 0,
        payment_method: { type: 'card', card: { brand: 'visa', last4: '4242', exp_month: expect.any(Number), exp_year: expect.any(Number), country: 'US', three_d_secure: { result: null, flow: null } } },
        next_action: null,
        // v2 (routing): a USD payment with the default (US) test card goes to stripe_sim in one attempt.
        connector: 'stripe_sim',
        attempts: [{ id: expect.stringMatching(/^att_/), connector: 'stripe_sim', status: 'succeeded', error: null, latency_ms: 0, reason: 'default' }],
        payer_country: 'US',
        payer_country_source: 'card',
        failure_code: null,
        failure_message: null,
        last_payment_error: null,
        livemode: false,
        description: 'Order #1',
        customer_email: 'jane@example.com',
        metadata: {},
        capture_before: null,
        cancellation_reason: null,
        outcome: { type: 'authorized', risk_level: 'normal', risk_score: 10, rule: null, seller_message: 'Payment complete.' },
        created_at: expect.stringMatching(/Z$/),
        updated_at: expect.stringMatching(/Z$/),
      });
    });

    it('a manual payment is AUTHORIZED with nothing captured', async () => {
      const response = await create(merchant, { capture_method: 'manual' });
      expect(response.body).toMatchObject({ status: 'AUTHORIZED', capture_method: 'manual', amount_captured: 0 });
    });

    it('upper-cases the currency and rejects an unknown one', async () => {
      const lower = await create(merchant, { currency: 'eur' });
      expect(lower.body.currency).toBe('EUR');
      const mixed = await create(merchant, { currency: 'gBp' });
      expect(mixed.body.currency).toBe('GBP');
      const unknown = await create(merchant, { currency: 'xyz' }, 400);
      expect(unknown.body.error).toMatchObject({ type: 'invalid_request_error', code: 'parameter_invalid', param: 'currency' });
      const malformed = await create(merchant, { currency: 'us' }, 400);
      expect(malformed.body.error.param).toBe('currency');
      const missing = await app.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 100 }).expect(400);
      expect(missing.body.error).toMatchObject({ code: 'parameter_missing', param: 'currency' });
    });

    it('JPY (0 decimals) and KWD (3 decimals) amounts are minor units as sent', async () => {
      const jpy = await create(merchant, { amount: 500, currency: 'jpy' });
      expect(jpy.body).toMatchObject({ amount: 500, amount_captured: 500, currency: 'JPY' });
      const kwd = await create(merchant, { amount: 1234, currency: 'KWD' });
      expect(kwd.body).toMatchObject({ amount: 1234, currency: 'KWD' });
      const got = await app.http.get(`/v1/payments/${jpy.body.id}`).set(bearer(merchant)).expect(200);
      expect(got.body.amount).toBe(500);
    });

    it('round-trips metadata and large amounts as numbers', async () => {
      const metadata = { order_id: '1234', 'note with spaces': 'é ünïcödé ✓', empty: '' };
      const response = await create(merchant, { amount: 99_999_999_999, metadata });
      expect(response.body.metadata).toEqual(metadata);
      const got = await app.http.get(`/v1/payments/${response.body.id}`).set(bearer(merchant)).expect(200);
      expect(got.body.metadata).toEqual(metadata);
      expect(got.body.amount).toBe(99_999_999_999);
      expect(typeof got.body.amount_captured).toBe('number');
    });

    it.each([
      ['a number value', { a: 1 }],
      ['a nested object', { a: { b: 'c' } }],
      ['an array', ['a']],
      ['a string', 'abc'],
      ['too many keys', Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']))],
      ['a long value', { a: 'x'.repeat(501) }],
    ])('rejects metadata with %s', async (_label, metadata) => {
      const response = await create(merchant, { metadata }, 400);
      expect(response.body.error).toMatchObject({ code: 'parameter_invalid', param: 'metadata' });
    });

    it('writes one history row per transition with actor key and request id', async () => {
      const response = await create(merchant);
      const rows = await history(response.body.id);
      expect(rows.map((row) => [row.from_status, row.to_status])).toEqual([
        [null, 'CREATED'],
        ['CREATED', 'AUTHORIZED'],
        ['AUTHORIZED', 'CAPTURED'],
      ]);
      expect(rows.map((row) => row.event)).toEqual(['CREATE', 'AUTHORIZE', 'CAPTURE']);
      for (const row of rows) {
        expect(row.api_key_id).toBe(merchant.apiKeyId);
        expect(row.request_id).toBe(response.headers['request-id']);
      }
    });

    it('emits payment.created, payment.authorized, payment.captured exactly once each for an automatic payment', async () => {
      const response = await create(merchant);
      expect(await eventTypes(merchant, response.body.id)).toEqual(['payment.created', 'payment.authorized', 'payment.captured']);
      const captured = await app.http.get(`/v1/events?payment_id=${response.body.id}&type=payment.captured`).set(bearer(merchant)).expect(200);
      expect(captured.body.data).toHaveLength(1);
      const event = await app.http.get(`/v1/events/${captured.body.data[0].id}`).set(bearer(merchant)).expect(200);
      expect(event.body).toMatchObject({ object: 'event', type: 'payment.captured' });
      expect(event.body.data.object).toMatchObject({ id: response.body.id, status: 'CAPTURED', amount_captured: 2000 });
      const created = await app.http.get(`/v1/events?payment_id=${response.body.id}&type=payment.created`).set(bearer(merchant)).expect(200);
      expect(created.body.data[0].data.object).toMatchObject({ status: 'CREATED', amount_captured: 0 });
    });

    it('a manual payment emits payment.created and payment.authorized only', async () => {
      const response = await create(merchant, { capture_method: 'manual' });
      expect(await eventTypes(merchant, response.body.id)).toEqual(['payment.created', 'payment.authorized']);
    });
  });

  describe('capture and cancel', () => {
    let merchant: TestMerchant;
    beforeAll(async () => {
      merchant = await createMerchant(app.http, 'payments-capture');
    });

    const manual = async (amount = 5000) => (await create(merchant, { amount, capture_method: 'manual' })).body as Payment;

    it('captures the full amount by default (200)', async () => {
      const payment = await manual();
      const response = await app.http.post(`/v1/payments/${payment.id}/capture`).set(bearer(merchant)).expect(200);
      expect(response.body).toMatchObject({ id: payment.id, status: 'CAPTURED', amount_captured: 5000 });
      const rows = await history(payment.id);
      expect(rows[rows.length - 1]).toMatchObject({
        from_status: 'AUTHORIZED',
        to_status: 'CAPTURED',
        event: 'CAPTURE',
        api_key_id: merchant.apiKeyId,
        request_id: response.headers['request-id'],
      });
      expect(await eventTypes(merchant, payment.id)).toEqual(['payment.created', 'payment.authorized', 'payment.captured']);
    });

    it('captures with an empty JSON body and with an explicit full amount', async () => {
      const a = await manual();
      await app.http.post(`/v1/payments/${a.id}/capture`).set(bearer(merchant)).set('Content-Type', 'application/json').expect(200);
      const b = await manual();
      const response = await app.http.post(`/v1/payments/${b.id}/capture`).set(bearer(merchant)).send({ amount: 5000 }).expect(200);
      expect(response.body.amount_captured).toBe(5000);
    });

    it('captures partially (amount_captured = the partial amount)', async () => {
      const payment = await manual();
      const response = await app.http.post(`/v1/payments/${payment.id}/capture`).set(bearer(merchant)).send({ amount: 1500 }).expect(200);
      expect(response.body).toMatchObject({ status: 'CAPTURED', amount: 5000, amount_captured: 1500 });
      const got = await app.http.get(`/v1/payments/${payment.id}`).set(bearer(merchant)).expect(200);
      expect(got.body.amount_captured).toBe(1500);
    });

    it('refuses to capture more than authorized (400 capture_exceeds_authorized) and changes nothing', async () => {
      const payment = await manual();
      const before = await snapshot(merchant, payment.id);
      const response = await app.http.post(`/v1/payments/${payment.id}/capture`).set(bearer(merchant)).send({ amount: 5001 }).expect(400);
      expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code: 'capture_exceeds_authorized', param: 'amount' });
      expect(await snapshot(merchant, payment.id)).toEqual(before);
      await app.http.post(`/v1/payments/${payment.id}/capture`).set(bearer(merchant)).send({ amount: 5000 }).expect(200);
    });

    it.each([0, -5, 1.5, '100'])('rejects capture amount %p with 400 param amount', async (amount) => {
      const payment = await manual();
      const response = await app.http.post(`/v1/payments/${payment.id}/capture`).set(bearer(merchant)).send({ amount }).expect(400);
      expect(response.body.error.param).toBe('amount');
      expect((await snapshot(merchant, payment.id)).payment.status).toBe('AUTHORIZED');
    });

    it('cancels an AUTHORIZED payment (200, CANCELED) with history and event', async () => {
      const payment = await manual();
      const response = await app.http.post(`/v1/payments/${payment.id}/cancel`).set(bearer(merchant)).expect(200);
      expect(response.body).toMatchObject({ status: 'CANCELED', amount_captured: 0 });
      const rows = await history(payment.id);
      expect(rows[rows.length - 1]).toMatchObject({ from_status: 'AUTHORIZED', to_status: 'CANCELED', event: 'CANCEL' });
      expect(rows[rows.length - 1].request_id).toBe(response.headers['request-id']);
      expect(await eventTypes(merchant, payment.id)).toEqual(['payment.created', 'payment.authorized', 'payment.canceled']);
    });

    it.each(['bank_error', 'processing_error'])('capture simulate=%s makes the payment FAILED with that failure_code', async (mode) => {
      const payment = await manual();
      const response = await app.http.post(`/v1/payments/${payment.id}/capture`).set(bearer(merchant)).send({ simulate: mode }).expect(200);
      expect(response.body).toMatchObject({ status: 'FAILED', failure_code: mode, amount_captured: 0 });
      expect(response.body.failure_message).toEqual(expect.stringMatching(/\w+/));
      const rows = await history(payment.id);
      expect(rows[rows.length - 1]).toMatchObject({ from_status: 'AUTHORIZED', to_status: 'FAILED', event: 'FAIL_CAPTURE' });
      expect(await eventTypes(merchant, payment.id)).toEqual(['payment.created', 'payment.authorized', 'payment.failed']);
    });

    it('rejects an unknown capture simulate mode', async () => {
      const payment = await manual();
      const response = await app.http.post(`/v1/payments/${payment.id}/capture`).set(bearer(merchant)).send({ simulate: 'card_declined' }).expect(400);
      expect(response.body.error.param).toBe('simulate');
    });

    describe('an action the state does not allow is 409 payment_invalid_state with no side effect', () => {
      const cases: Array<[string, () => Promise<Payment>, string, Record<string, unknown>]> = [
        ['capture a CAPTURED payment', () => create(merchant).then((r) => r.body), 'capture', {}],
        ['capture a CAPTURED payment with too large amount (state wins)', () => create(merchant).then((r) => r.body), 'capture', { amount: 999999 }],
        ['cancel a CAPTURED payment', () => create(merchant).then((r) => r.body), 'cancel', {}],
        ['capture a FAILED payment', () => create(merchant, { simulate: 'card_declined' }).then((r) => r.body), 'capture', {}],
        ['cancel a FAILED payment', () => create(merchant, { simulate: 'card_declined' }).then((r) => r.body), 'cancel', {}],
        ['capture-fail a CAPTURED payment', () => create(merchant).then((r) => r.body), 'capture', { simulate: 'bank_error' }],
        [
          'capture a CANCELED payment',
          async () => {
            const payment = await manual();
            return (await app.http.post(`/v1/payments/${payment.id}/cancel`).set(bearer(merchant)).expect(200)).body;
          },
          'capture',
          {},
        ],
        [
          'cancel a CANCELED payment',
          async () => {
            const payment = await manual();
            return (await app.http.post(`/v1/payments/${payment.id}/cancel`).set(bearer(merchant)).expect(200)).body;
          },
          'cancel',
          {},
        ],
        [
          'capture a partially captured payment again',
          async () => {
            const payment = await manual();
            return (await app.http.post(`/v1/payments/${payment.id}/capture`).set(bearer(merchant)).send({ amount: 10 }).expect(200)).body;
          },
          'capture',
          { amount: 10 },
        ],
      ];

      it.each(cases)('%s', async (_label, setup, action, body) => {
        const payment = await setup();
        const before = await snapshot(merchant, payment.id);
        const response = await app.http.post(`/v1/payments/${payment.id}/${action}`).set(bearer(merchant)).send(body).expect(409);
        expect(response.body.error).toMatchObject({
          type: 'invalid_request_error',
          code: 'payment_invalid_state',
          request_id: response.headers['request-id'],
        });
        expect(response.body.error.message).toContain(before.payment.status);
        expect(await snapshot(merchant, payment.id)).toEqual(before);
      });
    });

    it('concurrent captures of one payment: exactly one succeeds, one history row, one event', async () => {
      const payment = await manual();
      const responses = await Promise.all(
        Array.from({ length: 5 }, () => app.http.post(`/v1/payments/${payment.id}/capture`).set(bearer(merchant)).send({})),
      );
      expect(responses.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
      const rows = await history(payment.id);
      expect(rows.filter((row) => row.to_status === 'CAPTURED')).toHaveLength(1);
      expect(await eventTypes(merchant, payment.id)).toEqual(['payment.created', 'payment.authorized', 'payment.captured']);
    });

    it('capture/cancel of an unknown payment is 404 resource_missing', async () => {
      for (const action of ['capture', 'cancel']) {
        const response = await app.http.post(`/v1/payments/pay_nope/${action}`).set(bearer(merchant)).send({}).expect(404);
        expect(response.body.error).toMatchObject({ code: 'resource_missing' });
      }
    });
  });

  describe('get and list', () => {
    let merchant: TestMerchant;
    const ids: string[] = [];
    const statuses: Record<string, string> = {};

    beforeAll(async () => {
      merchant = await createMerchant(app.http, 'payments-list');
      // Sequential creation: ids are time-ordered, so creation order is the expected order.
      for (let i = 0; i < 23; i++) {
        const body = i % 4 === 0 ? { capture_method: 'manual' } : i % 5 === 0 ? { simulate: 'card_declined' } : {};
        const response = await create(merchant, { amount: 100 + i, ...body });
        ids.push(response.body.id);
        statuses[response.body.id] = response.body.status;
      }
    });

    it('gets a payment by id', async () => {
      const response = await app.http.get(`/v1/payments/${ids[3]}`).set(bearer(merchant)).expect(200);
      expect(response.body).toMatchObject({ id: ids[3], object: 'payment', amount: 103 });
    });

    it('lists newest first with the default limit of 10', async () => {
      const response = await app.http.get('/v1/payments').set(bearer(merchant)).expect(200);
      expect(response.body.object).toBe('list');
      expect(response.body.has_more).toBe(true);
      expect(response.body.data.map((p: Payment) => p.id)).toEqual([...ids].reverse().slice(0, 10));
    });

    it('pages through everything with starting_after: no duplicates, no gaps, has_more false at the end', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      for (;;) {
        const query = cursor ? `?limit=7&starting_after=${cursor}` : '?limit=7';
        const response = await app.http.get(`/v1/payments${query}`).set(bearer(merchant)).expect(200);
        pages++;
        seen.push(...response.body.data.map((p: Payment) => p.id));
        if (!response.body.has_more) break;
        expect(response.body.data).toHaveLength(7);
        cursor = response.body.data[response.body.data.length - 1].id;
      }
      expect(pages).toBe(4);
      expect(seen).toEqual([...ids].reverse());
    });

    it('limit=100 returns everything with has_more false; an exact-fit page has has_more false', async () => {
      const all = await app.http.get('/v1/payments?limit=100').set(bearer(merchant)).expect(200);
      expect(all.body.data).toHaveLength(23);
      expect(all.body.has_more).toBe(false);
      const exact = await app.http.get(`/v1/payments?limit=3&starting_after=${ids[3]}`).set(bearer(merchant)).expect(200);
      expect(exact.body.data.map((p: Payment) => p.id)).toEqual([ids[2], ids[1], ids[0]]);
      expect(exact.body.has_more).toBe(false);
      const empty = await app.http.get(`/v1/payments?starting_after=${ids[0]}`).set(bearer(merchant)).expect(200);
      expect(empty.body).toEqual({ object: 'list', data: [], has_more: false });
    });

    it('filters by status (case-insensitive) and pages within the filter', async () => {
      const authorized = ids.filter((id) => statuses[id] === 'AUTHORIZED').reverse();
      expect(authorized.length).toBeGreaterThan(2);
      const response = await app.http.get('/v1/payments?status=AUTHORIZED&limit=100').set(bearer(merchant)).expect(200);
      expect(response.body.data.map((p: Payment) => p.id)).toEqual(authorized);
      const lower = await app.http.get('/v1/payments?status=authorized&limit=2').set(bearer(merchant)).expect(200);
      expect(lower.body.data.map((p: Payment) => p.id)).toEqual(authorized.slice(0, 2));
      expect(lower.body.has_more).toBe(true);
      const failed = await app.http.get('/v1/payments?status=FAILED&limit=100').set(bearer(merchant)).expect(200);
      expect(failed.body.data.every((p: Payment) => p.status === 'FAILED')).toBe(true);
      expect(failed.body.data.length).toBe(ids.filter((id) => statuses[id] === 'FAILED').length);
      const bad = await app.http.get('/v1/payments?status=PENDING').set(bearer(merchant)).expect(400);
      expect(bad.body.error.param).toBe('status');
    });

    it.each(['0', '101', 'abc', '-1', '1.5', ''])('limit=%p is 400 with param limit', async (limit) => {
      const response = await app.http.get(`/v1/payments?limit=${limit}`).set(bearer(merchant)).expect(400);
      expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code: 'parameter_invalid', param: 'limit' });
    });

    it('limit=1 and limit=100 are accepted', async () => {
      const one = await app.http.get('/v1/payments?limit=1').set(bearer(merchant)).expect(200);
      expect(one.body.data).toHaveLength(1);
      await app.http.get('/v1/payments?limit=100').set(bearer(merchant)).expect(200);
    });

    it('rejects unknown query parameters', async () => {
      const response = await app.http.get('/v1/payments?merchant_id=mer_x').set(bearer(merchant)).expect(400);
      expect(response.body.error).toMatchObject({ code: 'parameter_unknown', param: 'merchant_id' });
    });

    it('events list pages the same way and filters by type', async () => {
      const response = await app.http.get('/v1/events?type=payment.authorized&limit=100').set(bearer(merchant)).expect(200);
      const authorizedCount = ids.filter((id) => statuses[id] !== 'FAILED').length;
      expect(response.body.data).toHaveLength(authorizedCount);
      const first = await app.http.get('/v1/events?limit=5').set(bearer(merchant)).expect(200);
      const next = await app.http.get(`/v1/events?limit=5&starting_after=${first.body.data[4].id}`).set(bearer(merchant)).expect(200);
      const all = await app.http.get('/v1/events?limit=10').set(bearer(merchant)).expect(200);
      expect([...first.body.data, ...next.body.data].map((e: { id: string }) => e.id)).toEqual(all.body.data.map((e: { id: string }) => e.id));
      await app.http.get('/v1/events?limit=101').set(bearer(merchant)).expect(400);
    });
  });
});
