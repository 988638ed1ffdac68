import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { card, CustomerSteps, mpesa, upi } from './support/customer-steps';
import { bearer, createMerchant, eventually, startTestApp, TestApp } from './support/test-app';
import { isEmbeddedTestMode } from './support/test-env';
import { WebhookReceiver } from './support/webhook-receiver';

jest.setTimeout(90_000);

/** customer-action and the other payment actions around pending steps; races; restarts; bad input. */
describe('customer steps (e2e)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  async function steps(name: string): Promise<CustomerSteps> {
    return new CustomerSteps(app, await createMerchant(app.http, name));
  }

  describe('customer-action', () => {
    it('409 payment_invalid_state when nothing is pending (a plain card, an already resolved step), changing nothing', async () => {
      const s = await steps('act-409');
      const plain = await s.create({});
      const answer = await s.act(plain.id, 'approve').expect(409);
      expect(answer.body.error).toMatchObject({ code: 'payment_invalid_state', payment_id: plain.id, status: 'CAPTURED' });
      const resolved = await s.upi('success@sandbox');
      await s.act(resolved.id, 'fail').expect(200);
      const before = await s.get(resolved.id);
      await s.act(resolved.id, 'approve').expect(409);
      expect(await s.get(resolved.id)).toEqual(before);
      expect(await s.eventTypes(resolved.id)).toEqual(['payment.created', 'payment.processing', 'payment.failed']);
    });

    it("another merchant's payment is 404 resource_missing and stays pending; unknown ids are 404", async () => {
      const owner = await steps('act-owner');
      const intruder = await steps('act-intruder');
      const payment = await owner.upi('success@sandbox');
      const answer = await intruder.act(payment.id, 'approve').expect(404);
      expect(answer.body.error).toMatchObject({ code: 'resource_missing' });
      await intruder.act('pay_doesnotexist', 'approve').expect(404);
      expect((await owner.get(payment.id)).status).toBe('PROCESSING');
    });

    it.each([
      [{}, 'action', 'parameter_missing'],
      [{ action: 'approved' }, 'action', 'parameter_invalid'],
      [{ action: 'approve', extra: 1 }, 'extra', 'parameter_unknown'],
    ])('bad body %j → 400 naming %s, nothing changes', async (body, param, code) => {
      const s = await steps(`act-bad-${param}-${code}`);
      const payment = await s.upi('success@sandbox');
      const answer = await app.http.post(`/v1/payments/${payment.id}/customer-action`).set(bearer(s.merchant)).send(body).expect(400);
      expect(answer.body.error).toMatchObject({ code, param });
      expect(await s.get(payment.id)).toEqual(payment);
    });
  });

  describe('capture, cancel and refund while the customer is pending', () => {
    it.each([
      ['REQUIRES_ACTION (3DS)', (s: CustomerSteps) => s.card3ds('4000002760003184', { capture_method: 'manual' })],
      ['PROCESSING (UPI)', (s: CustomerSteps) => s.upi('success@sandbox', 'collect', { capture_method: 'manual' })],
      ['PROCESSING (M-Pesa)', (s: CustomerSteps) => s.mpesa('254708374149', { capture_method: 'manual' })],
    ])('%s: capture and refund are 409; cancel → CANCELED, ends the step (its timers find nothing to do)', async (_label, create) => {
      const s = await steps(`pending-${_label}`);
      const payment = await create(s);
      const capture = await app.http.post(`/v1/payments/${payment.id}/capture`).set(bearer(s.merchant)).send({}).expect(409);
      expect(capture.body.error.code).toBe('payment_invalid_state');
      const refund = await app.http.post(`/v1/payments/${payment.id}/refunds`).set(bearer(s.merchant)).send({}).expect(409);
      expect(refund.body.error.code).toBe('payment_invalid_state');
      const canceled = (await app.http.post(`/v1/payments/${payment.id}/cancel`).set(bearer(s.merchant)).send({}).expect(200)).body;
      expect(canceled).toMatchObject({ status: 'CANCELED', next_action: null, failure_code: null });
      await s.act(payment.id, 'approve').expect(409);
      await s.advance('2h');
      expect(await s.get(payment.id)).toEqual(canceled);
      const tail = (await s.eventTypes(payment.id)).slice(2);
      expect(tail).toEqual(['payment.canceled']);
    });

    it('authorized by its customer (manual capture): capture_before counts from the authorization, and it expires then', async () => {
      const s = await steps('step-auth-expiry');
      const payment = await s.upi('expire@sandbox', 'collect', { capture_method: 'manual' }, { expire_after_s: 3600 });
      expect(payment.capture_before).toBeNull();
      await s.advance('30m');
      const approved = (await s.act(payment.id, 'approve').expect(200)).body;
      expect(approved.status).toBe('AUTHORIZED');
      expect(new Date(approved.capture_before).getTime() - new Date(approved.updated_at).getTime()).toBe(7 * 86_400_000);
      await s.advance('7d');
      expect(await s.get(payment.id)).toMatchObject({ status: 'CANCELED', cancellation_reason: 'authorization_expired' });
      expect((await s.eventTypes(payment.id)).slice(-2)).toEqual(['payment.authorized', 'payment.canceled']);
    });

    it('after the step: refund of a captured UPI payment works as for cards', async () => {
      const s = await steps('upi-refund');
      const payment = await s.upi('success@sandbox');
      await s.act(payment.id, 'approve').expect(200);
      await app.http.post(`/v1/payments/${payment.id}/refunds`).set(bearer(s.merchant)).send({ amount: 500 }).expect(201);
      expect(await s.get(payment.id)).toMatchObject({ status: 'PARTIALLY_REFUNDED', amount_refunded: 500 });
    });
  });

  describe('events, history and webhooks', () => {
    it('every transition has its history row and its signed webhook, in order', async () => {
      const receiver = await WebhookReceiver.start();
      try {
        const s = await steps('webhooks');
        await app.http.post('/v1/webhook-endpoints').set(bearer(s.merchant)).send({ url: receiver.url('/hook') }).expect(201);
        const threeDs = await s.card3ds('4000002760003184');
        await s.act(threeDs.id, 'approve').expect(200);
        const pix = await s.upi('late@sandbox');
        await s.advance('600s');
        await s.advance('10m');
        const wanted = [
          [threeDs.id, ['payment.created', 'payment.requires_action', 'payment.authorized', 'payment.captured']],
          [pix.id, ['payment.created', 'payment.processing', 'payment.failed', 'payment.authorized', 'payment.captured']],
        ] as const;
        for (const [id, types] of wanted) {
          expect(await s.eventTypes(id)).toEqual(types);
          expect(await s.history(id)).toHaveLength(types.length);
          const delivered = await eventually(async () => {
            const mine = receiver.received.map((r) => JSON.parse(r.body)).filter((body) => body.data.object.id === id);
            return mine.length === types.length ? mine : undefined;
          });
          expect(delivered.map((body) => body.type).sort()).toEqual([...types].sort());
        }
      } finally {
        await receiver.close();
      }
    });
  });

  describe('bad input: 400 with param, nothing stored', () => {
    const CASES: Array<[string, Record<string, unknown>, string, string]> = [
      ['UPI in USD', { currency: 'usd', payment_method: upi('success@sandbox') }, 'currency', 'parameter_invalid'],
      ['M-Pesa in USD', { currency: 'usd', amount: 10_000, payment_method: mpesa('254708374149') }, 'currency', 'parameter_invalid'],
      ['M-Pesa not whole shillings', { currency: 'kes', amount: 10_050, payment_method: mpesa('254708374149') }, 'amount', 'parameter_invalid'],
      ['M-Pesa phone 11 digits', { currency: 'kes', amount: 10_000, payment_method: mpesa('25470837414') }, 'payment_method.mpesa.phone', 'parameter_invalid'],
      ['M-Pesa phone 2549…', { currency: 'kes', amount: 10_000, payment_method: mpesa('254908374149') }, 'payment_method.mpesa.phone', 'parameter_invalid'],
      ['M-Pesa phone +254…', { currency: 'kes', amount: 10_000, payment_method: mpesa('+254708374149') }, 'payment_method.mpesa.phone', 'parameter_invalid'],
      ['M-Pesa without phone', { currency: 'kes', amount: 10_000, payment_method: { type: 'mpesa', mpesa: {} } }, 'payment_method.mpesa.phone', 'parameter_missing'],
      ['bad VPA', { currency: 'inr', payment_method: upi('not a vpa') }, 'payment_method.upi.vpa', 'parameter_invalid'],
      ['VPA without handle', { currency: 'inr', payment_method: upi('@sandbox') }, 'payment_method.upi.vpa', 'parameter_invalid'],
      ['collect without VPA', { currency: 'inr', payment_method: upi(undefined, 'collect') }, 'payment_method.upi.vpa', 'parameter_missing'],
      ['unknown UPI flow', { currency: 'inr', payment_method: { type: 'upi', upi: { vpa: 'payer@bank', flow: 'push' } } }, 'payment_method.upi.flow', 'parameter_invalid'],
      ['expire_after_s 59', { currency: 'inr', payment_method: upi('success@sandbox', 'collect', { expire_after_s: 59 }) }, 'payment_method.upi.expire_after_s', 'parameter_invalid'],
      ['expire_after_s 3601', { currency: 'inr', payment_method: upi('success@sandbox', 'collect', { expire_after_s: 3601 }) }, 'payment_method.upi.expire_after_s', 'parameter_invalid'],
      ['return_url ftp', { payment_method: card('4000002760003184'), return_url: 'ftp://shop.example/x' }, 'return_url', 'parameter_invalid'],
      ['return_url javascript', { payment_method: card('4000002760003184'), return_url: 'javascript:alert(1)' }, 'return_url', 'parameter_invalid'],
      ['three_d_secure unknown', { payment_method: card('4000002760003184'), three_d_secure: 'always' }, 'three_d_secure', 'parameter_invalid'],
      ['three_d_secure on UPI', { currency: 'inr', payment_method: upi('success@sandbox'), three_d_secure: 'required' }, 'three_d_secure', 'parameter_invalid'],
      ['simulate on UPI', { currency: 'inr', payment_method: upi('success@sandbox'), simulate: 'card_declined' }, 'simulate', 'parameter_invalid'],
      ['simulate on M-Pesa', { currency: 'kes', amount: 10_000, payment_method: mpesa('254708374149'), simulate: 'network_timeout' }, 'simulate', 'parameter_invalid'],
      ['unknown method type', { payment_method: { type: 'paypal' } }, 'payment_method.type', 'parameter_invalid'],
      ['missing method type', { payment_method: { card: { number: '4242424242424242', exp_month: 1, exp_year: 2040 } } }, 'payment_method.type', 'parameter_missing'],
      ['upi details on a card', { payment_method: { ...card('4242424242424242'), upi: { flow: 'intent' } } }, 'payment_method.upi', 'parameter_unknown'],
      ['card details on UPI', { currency: 'inr', payment_method: { ...upi('success@sandbox'), card: {} } }, 'payment_method.card', 'parameter_unknown'],
    ];

    it.each(CASES)('%s → 400 %s', async (_label, body, param, code) => {
      const s = await steps(`bad-${_label}`);
      const answer = await app.http.post('/v1/payments').set(bearer(s.merchant)).send({ amount: 2000, currency: 'usd', ...body }).expect(400);
      expect(answer.body.error).toMatchObject({ code, param });
      expect(answer.text).not.toMatch(/stack|at .*\.ts/);
      const list = await app.http.get('/v1/payments').set(bearer(s.merchant)).expect(200);
      expect(list.body.data).toEqual([]);
    });
  });

  describe('concurrency: customer-action racing the expiry timer', () => {
    it('each payment resolves exactly once, whoever comes first', async () => {
      const s = await steps('race');
      const payments = await Promise.all(Array.from({ length: 12 }, () => s.upi('expire@sandbox', 'collect', {}, { expire_after_s: 60 })));
      await s.advance('59s');
      // The approvals are spread over the advance (deliberate jitter, not a wait for a condition), so
      // some land before the expiry runs, some while it holds the rows, some after.
      const jittered = (index: number) => new Promise<void>((resolve) => setTimeout(resolve, index * 40)).then(() => s.act(payments[index].id, 'approve'));
      const [, ...answers] = await Promise.all([s.advance('1s'), ...payments.map((_payment, index) => jittered(index))]);
      for (const [index, payment] of payments.entries()) {
        const after = await s.get(payment.id);
        const answer = answers[index];
        // approve won: 200 and CAPTURED; the timer won: 409 and FAILED payment_expired. Never both.
        if (answer.status === 200) expect(after.status).toBe('CAPTURED');
        else {
          expect(answer.status).toBe(409);
          expect(after).toMatchObject({ status: 'FAILED', failure_code: 'payment_expired' });
        }
        const leaving = (await s.history(payment.id)).filter((row) => row.startsWith('PROCESSING>'));
        expect(leaving).toHaveLength(1);
        const endings = (await s.eventTypes(payment.id)).filter((type) => type === 'payment.failed' || type === 'payment.authorized');
        expect(endings).toHaveLength(1);
      }
    });
  });

  describe('restart while PROCESSING', () => {
    it('a second app on the same database runs the pending timer (its worker, on the wall clock)', async () => {
      const dataDir = isEmbeddedTestMode() ? mkdtempSync(join(tmpdir(), 'sandbox-restart-')) : undefined;
      const env = { SCHEDULER_POLL_INTERVAL_MS: '100', ...(dataDir ? { SANDBOX_DATA_DIR: dataDir } : {}) };
      try {
        const first = await startTestApp(env);
        const merchant = await createMerchant(first.http, 'restart');
        const created = await first.http
          .post('/v1/payments')
          .set(bearer(merchant))
          .send({ amount: 10_000, currency: 'kes', payment_method: mpesa('254708374149') })
          .expect(201);
        expect(created.body.status).toBe('PROCESSING');
        await first.close();
        const second = await startTestApp({ ...env, RUN_MIGRATIONS: 'true' });
        try {
          const done = await eventually(async () => {
            const got = await second.http.get(`/v1/payments/${created.body.id}`).set(bearer(merchant)).expect(200);
            return got.body.status === 'PROCESSING' ? undefined : got.body;
          }, 30_000, 200);
          expect(done).toMatchObject({ status: 'CAPTURED', payment_method: { mpesa: { result_code: 0 } } });
        } finally {
          await second.close();
        }
      } finally {
        if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
});
