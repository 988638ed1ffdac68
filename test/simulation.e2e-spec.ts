import { DataSource } from 'typeorm';
import { bearer, createMerchant, eventually, startTestApp, TestApp, TestMerchant } from './support/test-app';

const FAILURE_MODES = [
  'card_declined',
  'insufficient_funds',
  'expired_card',
  'incorrect_cvc',
  'processing_error',
  'fraud_detected',
  'bank_error',
] as const;

const TEST_CARDS: Array<[string, string]> = [
  ['4242424242424242', 'success'],
  ['4000000000000002', 'card_declined'],
  ['4000000000009995', 'insufficient_funds'],
  ['4000000000000069', 'expired_card'],
  ['4000000000000127', 'incorrect_cvc'],
  ['4000000000000119', 'processing_error'],
  ['4100000000000019', 'fraud_detected'],
];

const FUTURE_YEAR = new Date().getUTCFullYear() + 3;

function card(number: string, extra: Record<string, unknown> = {}) {
  return { type: 'card', card: { number, exp_month: 12, exp_year: FUTURE_YEAR, cvc: '123', ...extra } };
}

/** Appends the Luhn check digit to a digit string. */
function withLuhn(partial: string): string {
  let sum = 0;
  for (let i = 0; i < partial.length; i++) {
    let digit = Number(partial[partial.length - 1 - i]);
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return partial + String((10 - (sum % 10)) % 10);
}

describe('failure simulation (e2e)', () => {
  let app: TestApp;
  let db: DataSource;
  let merchant: TestMerchant;

  beforeAll(async () => {
    app = await startTestApp();
    db = app.sandbox.app.get(DataSource);
    merchant = await createMerchant(app.http, 'simulation');
  });

  afterAll(async () => {
    await app.close();
  });

  const pay = (body: Record<string, unknown>) =>
    app.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 1000, currency: 'usd', ...body });

  async function eventTypes(paymentId: string): Promise<string[]> {
    const response = await app.http.get(`/v1/events?payment_id=${paymentId}`).set(bearer(merchant)).expect(200);
    return response.body.data.map((event: { type: string }) => event.type).reverse();
  }

  describe('simulate on create', () => {
    it.each(FAILURE_MODES)('simulate=%s → 201 FAILED with that failure_code, a message and a payment.failed event', async (mode) => {
      const response = await pay({ simulate: mode }).expect(201);
      expect(response.body).toMatchObject({ status: 'FAILED', failure_code: mode, amount_captured: 0 });
      expect(response.body.failure_message).toEqual(expect.stringMatching(/\w{3,}/));
      expect(await eventTypes(response.body.id)).toEqual(['payment.created', 'payment.failed']);
      const failed = await app.http.get(`/v1/events?payment_id=${response.body.id}&type=payment.failed`).set(bearer(merchant)).expect(200);
      expect(failed.body.data[0].data.object).toMatchObject({ id: response.body.id, status: 'FAILED', failure_code: mode });
      const history = await db.query('SELECT from_status, to_status, event FROM payment_history WHERE payment_id = $1 ORDER BY id', [
        response.body.id,
      ]);
      expect(history).toEqual([
        { from_status: null, to_status: 'CREATED', event: 'CREATE' },
        { from_status: 'CREATED', to_status: 'FAILED', event: 'DECLINE' },
      ]);
      const got = await app.http.get(`/v1/payments/${response.body.id}`).set(bearer(merchant)).expect(200);
      expect(got.body).toEqual(response.body);
    });

    it('simulate=failure modes also apply to manual capture payments', async () => {
      const response = await pay({ simulate: 'card_declined', capture_method: 'manual' }).expect(201);
      expect(response.body).toMatchObject({ status: 'FAILED', failure_code: 'card_declined' });
    });

    it('simulate=success succeeds even with a declining test card', async () => {
      const response = await pay({ simulate: 'success', payment_method: card('4000000000000002') }).expect(201);
      expect(response.body).toMatchObject({ status: 'CAPTURED', failure_code: null, failure_message: null });
    });

    it('an unknown simulate mode is 400 param simulate', async () => {
      const response = await pay({ simulate: 'refund_failure' }).expect(400);
      expect(response.body.error).toMatchObject({ code: 'parameter_invalid', param: 'simulate' });
    });

    it('network_timeout waits simulate_delay_ms, then answers 504 api_error naming the FAILED payment', async () => {
      const started = Date.now();
      const response = await pay({ simulate: 'network_timeout', simulate_delay_ms: 200 }).expect(504);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      expect(response.body.error).toMatchObject({
        type: 'api_error',
        code: 'network_timeout',
        payment_id: expect.stringMatching(/^pay_/),
        request_id: response.headers['request-id'],
      });
      const payment = await app.http.get(`/v1/payments/${response.body.error.payment_id}`).set(bearer(merchant)).expect(200);
      expect(payment.body).toMatchObject({ status: 'FAILED', failure_code: 'network_timeout' });
      expect(payment.body.failure_message).toEqual(expect.stringMatching(/\w+/));
      expect(await eventTypes(payment.body.id)).toEqual(['payment.created', 'payment.failed']);
    });

    it('network_timeout with simulate_delay_ms 0 answers 504 at once', async () => {
      const response = await pay({ simulate: 'network_timeout', simulate_delay_ms: 0 }).expect(504);
      expect(response.body.error.code).toBe('network_timeout');
    });

    it('other requests are served while delays are waiting (no DB connection held across the wait)', async () => {
      const SLOW_MS = 10_000;
      // More waiting requests than the pool has connections (10): if a wait held one, the fast batch would stall.
      const [{ count: before }] = await db.query('SELECT count(*)::int AS count FROM payments WHERE merchant_id = $1', [merchant.id]);
      let slowDone = 0;
      // The delay is long (10 s) so that "the fast batch finished first" holds on a loaded machine too.
      const slow = Array.from({ length: 12 }, (_, i) =>
        pay(i % 2 ? { simulate: 'network_timeout', simulate_delay_ms: SLOW_MS } : { simulate_delay_ms: SLOW_MS }).then((r) => {
          slowDone++;
          return r.status;
        }),
      );
      // All 12 have committed their payment and are now waiting.
      await eventually(async () => {
        const [{ count }] = await db.query('SELECT count(*)::int AS count FROM payments WHERE merchant_id = $1', [merchant.id]);
        return count >= before + 12 ? true : undefined;
      }, SLOW_MS / 2);
      await Promise.all(Array.from({ length: 5 }, () => pay({}).expect(201)));
      expect(slowDone).toBe(0);
      expect((await Promise.all(slow)).sort()).toEqual([...Array(6).fill(201), ...Array(6).fill(504)]);
    }, 60_000);
  });

  describe('simulate_delay_ms', () => {
    it('delays the create response by at least the delay', async () => {
      const started = Date.now();
      const response = await pay({ simulate_delay_ms: 300 }).expect(201);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(response.body.status).toBe('CAPTURED');
    });

    it('delays a decline, a capture and a cancel too', async () => {
      let started = Date.now();
      await pay({ simulate: 'card_declined', simulate_delay_ms: 200 }).expect(201);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      const a = await pay({ capture_method: 'manual' }).expect(201);
      started = Date.now();
      await app.http.post(`/v1/payments/${a.body.id}/capture`).set(bearer(merchant)).send({ simulate_delay_ms: 200 }).expect(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      const b = await pay({ capture_method: 'manual' }).expect(201);
      started = Date.now();
      await app.http.post(`/v1/payments/${b.body.id}/cancel`).set(bearer(merchant)).send({ simulate_delay_ms: 200 }).expect(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    });

    it.each([30001, -1, 1.5, '100'])('simulate_delay_ms=%p is 400 (never clamped)', async (delay) => {
      const response = await pay({ simulate_delay_ms: delay }).expect(400);
      expect(response.body.error).toMatchObject({ code: 'parameter_invalid', param: 'simulate_delay_ms' });
    });

    it('simulate_delay_ms 30001 on capture is 400 and the payment stays AUTHORIZED', async () => {
      const a = await pay({ capture_method: 'manual' }).expect(201);
      const response = await app.http.post(`/v1/payments/${a.body.id}/capture`).set(bearer(merchant)).send({ simulate_delay_ms: 30001 }).expect(400);
      expect(response.body.error.param).toBe('simulate_delay_ms');
      const got = await app.http.get(`/v1/payments/${a.body.id}`).set(bearer(merchant)).expect(200);
      expect(got.body.status).toBe('AUTHORIZED');
    });
  });

  describe('test cards', () => {
    it.each(TEST_CARDS)('%s → %s', async (number, outcome) => {
      const response = await pay({ payment_method: card(number) }).expect(201);
      expect(response.body.payment_method).toEqual({
        type: 'card',
        card: { brand: 'visa', last4: number.slice(-4), exp_month: 12, exp_year: FUTURE_YEAR, country: 'US', three_d_secure: { result: null, flow: null } },
      });
      if (outcome === 'success') {
        expect(response.body).toMatchObject({ status: 'CAPTURED', failure_code: null });
      } else {
        expect(response.body).toMatchObject({ status: 'FAILED', failure_code: outcome });
        expect(response.body.failure_message).toEqual(expect.stringMatching(/\w+/));
        expect(await eventTypes(response.body.id)).toEqual(['payment.created', 'payment.failed']);
      }
    });

    it('a declining test card with capture_method=manual still fails', async () => {
      const response = await pay({ capture_method: 'manual', payment_method: card('4000000000009995') }).expect(201);
      expect(response.body).toMatchObject({ status: 'FAILED', failure_code: 'insufficient_funds' });
    });

    it('the explicit simulate wins over the test card', async () => {
      const success = await pay({ simulate: 'success', payment_method: card('4100000000000019') }).expect(201);
      expect(success.body.status).toBe('CAPTURED');
      const other = await pay({ simulate: 'bank_error', payment_method: card('4000000000000002') }).expect(201);
      expect(other.body).toMatchObject({ status: 'FAILED', failure_code: 'bank_error' });
      const declineGood = await pay({ simulate: 'card_declined', payment_method: card('4242424242424242') }).expect(201);
      expect(declineGood.body).toMatchObject({ status: 'FAILED', failure_code: 'card_declined' });
    });

    it.each([
      ['4242424242424241'],
      ['4000000000000001'],
      ['1234567812345678'],
      ['5555555555554440'],
    ])('Luhn-invalid %s → 400 invalid_card_number naming payment_method.card.number, and no payment row', async (number) => {
      const [{ count: before }] = await db.query('SELECT count(*)::int AS count FROM payments WHERE merchant_id = $1', [merchant.id]);
      const response = await pay({ payment_method: card(number) }).expect(400);
      expect(response.body.error).toMatchObject({
        type: 'invalid_request_error',
        code: 'invalid_card_number',
        param: 'payment_method.card.number',
      });
      expect(JSON.stringify(response.body)).not.toContain(number);
      const [{ count: after }] = await db.query('SELECT count(*)::int AS count FROM payments WHERE merchant_id = $1', [merchant.id]);
      expect(after).toBe(before);
    });

    it('a Luhn-invalid number is 400 even when simulate is given', async () => {
      const response = await pay({ simulate: 'success', payment_method: card('4242424242424241') }).expect(400);
      expect(response.body.error.code).toBe('invalid_card_number');
    });

    it.each([
      ['non-digits', '4242-4242-4242-4242'],
      ['too short', '42424242424'],
      ['too long', '42424242424242424242'],
      ['a number', 4242424242424242],
    ])('a malformed card number (%s) is 400 naming payment_method.card.number', async (_label, number) => {
      const response = await pay({ payment_method: card(number as string) }).expect(400);
      expect(response.body.error.param).toBe('payment_method.card.number');
    });

    it.each([
      ['visa', withLuhn('411111111111111')],
      ['visa', withLuhn('401288888888188')],
      ['mastercard', '5555555555554444'],
      ['mastercard', '5105105105105100'],
      ['mastercard', '2223003122003222'],
      ['amex', '378282246310005'],
      ['amex', '371449635398431'],
      ['discover', '6011111111111117'],
      ['jcb', '3566002020360505'],
      ['diners', '36227206271667'],
      ['unionpay', '6200000000000005'],
      ['unknown', withLuhn('900000000000000')],
    ])('any other Luhn-valid number succeeds with brand %s (%s)', async (brand, number) => {
      const response = await pay({ payment_method: card(number) }).expect(201);
      expect(response.body).toMatchObject({ status: 'CAPTURED', failure_code: null });
      expect(response.body.payment_method.card).toMatchObject({ brand, last4: number.slice(-4) });
    });

    it('an expired card (past exp date) fails as expired_card', async () => {
      const response = await pay({ payment_method: card('4242424242424242', { exp_year: 2020, exp_month: 1 }) }).expect(201);
      expect(response.body).toMatchObject({ status: 'FAILED', failure_code: 'expired_card' });
    });

    it.each([
      ['exp_month 13', { exp_month: 13 }, 'payment_method.card.exp_month'],
      ['exp_month 0', { exp_month: 0 }, 'payment_method.card.exp_month'],
      ['exp_year string', { exp_year: '2030' }, 'payment_method.card.exp_year'],
      ['cvc letters', { cvc: 'abc' }, 'payment_method.card.cvc'],
      ['cvc too long', { cvc: '12345' }, 'payment_method.card.cvc'],
    ])('card validation: %s → 400', async (_label, extra, param) => {
      const response = await pay({ payment_method: card('4242424242424242', extra) }).expect(400);
      expect(response.body.error.param).toBe(param);
    });

    it('payment_method.type other than card is 400', async () => {
      const response = await pay({ payment_method: { ...card('4242424242424242'), type: 'bank' } }).expect(400);
      expect(response.body.error.param).toBe('payment_method.type');
    });

    it('payment_method without card is 400 naming payment_method.card', async () => {
      const response = await pay({ payment_method: { type: 'card' } }).expect(400);
      expect(response.body.error.param).toBe('payment_method.card');
    });

    it('the card number and CVC are never stored: not in the payment row, history or events', async () => {
      const number = '5555555555554444';
      const cvc = '987';
      const middle = number.slice(0, 12);
      const response = await pay({ payment_method: card(number, { cvc }), metadata: { ref: 'x' } }).expect(201);
      const manual = await pay({ capture_method: 'manual', payment_method: card('4000000000000002', { cvc }) }).expect(201);
      const dumps: Array<{ dump: string }> = await db.query(
        `SELECT row_to_json(p)::text AS dump FROM payments p WHERE id = ANY($1)
         UNION ALL SELECT row_to_json(h)::text FROM payment_history h WHERE payment_id = ANY($1)
         UNION ALL SELECT row_to_json(e)::text FROM events e WHERE payment_id = ANY($1)`,
        [[response.body.id, manual.body.id]],
      );
      expect(dumps.length).toBeGreaterThan(4);
      for (const { dump } of dumps) {
        expect(dump).not.toContain(number);
        expect(dump).not.toContain(middle);
        expect(dump).not.toContain('4000000000000002');
        expect(dump).not.toMatch(/"cvc"/);
        expect(dump).not.toContain(`"${cvc}"`);
      }
      const events = await app.http.get(`/v1/events?payment_id=${response.body.id}`).set(bearer(merchant)).expect(200);
      expect(JSON.stringify(events.body)).not.toContain(number);
      expect(JSON.stringify(response.body)).not.toContain(number);
      expect(JSON.stringify(response.body)).not.toContain(cvc);
    });
  });
});
