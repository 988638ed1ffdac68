import { CustomerSteps, Payment } from './support/customer-steps';
import { createMerchant, startTestApp, TestApp } from './support/test-app';

jest.setTimeout(60_000);

/**
 * design-v2 §2, its three tables, row by row: once resolved by POST /customer-action, once left to
 * the merchant clock (advanced, never slept). Each group has its own merchant, so its clock moves alone.
 */
describe('payment methods that need the customer: the design tables (e2e)', () => {
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

  describe('cards with 3-D Secure', () => {
    const CAPTURED_AFTER_CHALLENGE = ['payment.created', 'payment.requires_action', 'payment.authorized', 'payment.captured'];

    it.each([
      ['4000002760003184', 'CAPTURED', null],
      ['4000000000003220', 'CAPTURED', null],
      ['4000008400001629', 'FAILED', 'card_declined'],
      ['4000008260003178', 'FAILED', 'insufficient_funds'],
    ])('%s: challenge; approve → %s %s (authenticated)', async (number, status, failureCode) => {
      const s = await steps(`3ds-approve-${number}`);
      const created = await s.card3ds(number);
      expect(created).toMatchObject({ status: 'REQUIRES_ACTION', amount_captured: 0, failure_code: null });
      expect(created.next_action).toEqual({
        type: 'redirect_to_url',
        redirect_to_url: { url: expect.stringMatching(/^http:\/\/localhost:\d+\/v1\/3ds\/3ds_[A-Za-z0-9_-]{43}$/), return_url: null },
      });
      expect(created.payment_method.card.three_d_secure).toEqual({ result: null, flow: 'challenge' });

      const approved = (await s.act(created.id, 'approve').expect(200)).body as Payment;
      expect(approved).toMatchObject({ status, failure_code: failureCode, next_action: null });
      expect(approved.payment_method.card.three_d_secure).toEqual({ result: 'authenticated', flow: 'challenge' });
      expect(await s.get(created.id)).toEqual(approved);
      const expectedEvents = status === 'CAPTURED' ? CAPTURED_AFTER_CHALLENGE : ['payment.created', 'payment.requires_action', 'payment.failed'];
      expect(await s.eventTypes(created.id)).toEqual(expectedEvents);
      const tail = status === 'CAPTURED' ? ['REQUIRES_ACTION>AUTHORIZED:AUTHORIZE', 'AUTHORIZED>CAPTURED:CAPTURE'] : ['REQUIRES_ACTION>FAILED:DECLINE'];
      expect(await s.history(created.id)).toEqual(['∅>CREATED:CREATE', 'CREATED>REQUIRES_ACTION:REQUIRE_ACTION', ...tail]);
    });

    it('a challenge card with manual capture stops at AUTHORIZED after approve', async () => {
      const s = await steps('3ds-manual');
      const created = await s.card3ds('4000002760003184', { capture_method: 'manual' });
      const approved = (await s.act(created.id, 'approve').expect(200)).body;
      expect(approved).toMatchObject({ status: 'AUTHORIZED', amount_captured: 0 });
      expect(await s.eventTypes(created.id)).toEqual(['payment.created', 'payment.requires_action', 'payment.authorized']);
    });

    it('every challenge card, left alone, fails authentication_abandoned when THREE_DS_TIMEOUT (10m) passes on the merchant clock', async () => {
      const s = await steps('3ds-clock');
      const cards = ['4000002760003184', '4000000000003220', '4000008400001629', '4000008260003178'];
      const created = await Promise.all(cards.map((number) => s.card3ds(number)));
      const start = await s.now();
      await s.advance('9m');
      for (const payment of created) expect((await s.get(payment.id)).status).toBe('REQUIRES_ACTION');
      await s.advance('1m');
      for (const payment of created) {
        const after = await s.get(payment.id);
        expect(after).toMatchObject({ status: 'FAILED', failure_code: 'authentication_abandoned', next_action: null });
        expect(after.payment_method.card.three_d_secure).toEqual({ result: 'failed', flow: 'challenge' });
        // Recorded at the timer's due time (created + 10 min), not when the advance ran.
        expect(new Date(after.updated_at).getTime() - start.getTime()).toBeGreaterThanOrEqual(9 * 60_000);
        expect(await s.eventTypes(payment.id)).toEqual(['payment.created', 'payment.requires_action', 'payment.failed']);
        expect(await s.history(payment.id)).toEqual(['∅>CREATED:CREATE', 'CREATED>REQUIRES_ACTION:REQUIRE_ACTION', 'REQUIRES_ACTION>FAILED:EXPIRE']);
      }
    });

    it.each([
      ['4000000000003055', 'automatic', { result: 'authenticated', flow: 'frictionless' }],
      ['4000000000003055', 'required', { result: 'authenticated', flow: 'frictionless' }],
      ['378282246310005', 'automatic', { result: 'not_supported', flow: null }],
      ['378282246310005', 'required', { result: 'not_supported', flow: null }],
      ['4242424242424242', 'required', { result: 'attempt_acknowledged', flow: null }],
      ['4242424242424242', 'automatic', { result: null, flow: null }],
      ['5555555555554444', 'automatic', { result: null, flow: null }],
    ])('%s under %s: no challenge, CAPTURED at once, three_d_secure %j', async (number, mode, threeDSecure) => {
      const s = await steps(`3ds-none-${number}-${mode}`);
      const created = await s.card3ds(number, { three_d_secure: mode });
      expect(created).toMatchObject({ status: 'CAPTURED', next_action: null });
      expect(created.payment_method.card.three_d_secure).toEqual(threeDSecure);
      expect(await s.eventTypes(created.id)).toEqual(['payment.created', 'payment.authorized', 'payment.captured']);
    });

    it('any other card gets a challenge under required (then the usual card outcome: 4000000000000002 declines)', async () => {
      const s = await steps('3ds-required-other');
      const good = await s.card3ds('5555555555554444', { three_d_secure: 'required' });
      const declining = await s.card3ds('4000000000000002', { three_d_secure: 'required' });
      expect([good.status, declining.status]).toEqual(['REQUIRES_ACTION', 'REQUIRES_ACTION']);
      expect((await s.act(good.id, 'approve').expect(200)).body).toMatchObject({ status: 'CAPTURED' });
      expect((await s.act(declining.id, 'approve').expect(200)).body).toMatchObject({ status: 'FAILED', failure_code: 'card_declined' });
    });

    it('simulate still decides the bank’s answer after the challenge; network_timeout skips 3-D Secure (504)', async () => {
      const s = await steps('3ds-simulate');
      const simulated = await s.card3ds('4000002760003184', { simulate: 'insufficient_funds' });
      expect(simulated.status).toBe('REQUIRES_ACTION');
      expect((await s.act(simulated.id, 'approve').expect(200)).body).toMatchObject({ status: 'FAILED', failure_code: 'insufficient_funds' });
      await s.create({ payment_method: { type: 'card', card: { number: '4000002760003184', exp_month: 12, exp_year: 2040 } }, simulate: 'network_timeout', simulate_delay_ms: 0 }, 504);
    });
  });

  describe('UPI', () => {
    const BY_CLOCK: Array<[string, string | undefined, 'collect' | 'intent', number, string, string | null, string]> = [
      ['success@sandbox', 'success@sandbox', 'collect', 2000, 'CAPTURED', null, '00'],
      ['success@razorpay (twin)', 'success@razorpay', 'collect', 2000, 'CAPTURED', null, '00'],
      ['failure@sandbox', 'failure@sandbox', 'collect', 2000, 'FAILED', 'payment_declined', 'U30'],
      ['cancel@sandbox', 'cancel@sandbox', 'collect', 2000, 'FAILED', 'payment_cancelled', 'ZA'],
      ['wrongpin@sandbox', 'wrongpin@sandbox', 'collect', 2000, 'FAILED', 'incorrect_pin', 'ZM'],
      ['nofunds@sandbox', 'nofunds@sandbox', 'collect', 2000, 'FAILED', 'insufficient_funds', 'Z9'],
      ['intent amount 402', undefined, 'intent', 402, 'FAILED', 'payment_declined', 'U30'],
      ['intent amount 302', undefined, 'intent', 302, 'FAILED', 'payment_cancelled', 'ZA'],
      ['intent amount 204', undefined, 'intent', 204, 'FAILED', 'incorrect_pin', 'ZM'],
      ['intent amount 201', undefined, 'intent', 201, 'FAILED', 'insufficient_funds', 'Z9'],
      ['intent, any other amount', undefined, 'intent', 2000, 'CAPTURED', null, '00'],
    ];

    it('every answering row resolves by itself 3 s later on the merchant clock (not before)', async () => {
      const s = await steps('upi-clock');
      const created = await Promise.all(BY_CLOCK.map(([, vpa, flow, amount]) => s.upi(vpa, flow, { amount })));
      for (const payment of created) {
        expect(payment).toMatchObject({ status: 'PROCESSING', failure_code: null });
        expect(payment.payment_method.upi.npci_code).toBeNull();
      }
      await s.advance('2s');
      for (const payment of created) expect((await s.get(payment.id)).status).toBe('PROCESSING');
      await s.advance('1s');
      for (const [index, [label, vpa, flow, , status, failureCode, npci]] of BY_CLOCK.entries()) {
        const after = await s.get(created[index].id);
        expect({ label, status: after.status, failure_code: after.failure_code, next_action: after.next_action }).toEqual({ label, status, failure_code: failureCode, next_action: null });
        expect(after.payment_method).toEqual({ type: 'upi', upi: { vpa: vpa ?? null, flow, npci_code: npci } });
        const tail = status === 'CAPTURED' ? ['payment.authorized', 'payment.captured'] : ['payment.failed'];
        expect(await s.eventTypes(after.id)).toEqual(['payment.created', 'payment.processing', ...tail]);
      }
    });

    it('approve: the bank’s answers apply (failure@, nofunds@, 402, 201); the customer’s do not (cancel@, wrongpin@, expire@, late@, 302, 204)', async () => {
      const s = await steps('upi-approve');
      const rows: Array<[string | undefined, 'collect' | 'intent', number, string, string | null]> = [
        ['success@sandbox', 'collect', 2000, 'CAPTURED', null],
        ['failure@sandbox', 'collect', 2000, 'FAILED', 'payment_declined'],
        ['nofunds@sandbox', 'collect', 2000, 'FAILED', 'insufficient_funds'],
        ['cancel@sandbox', 'collect', 2000, 'CAPTURED', null],
        ['wrongpin@sandbox', 'collect', 2000, 'CAPTURED', null],
        ['expire@sandbox', 'collect', 2000, 'CAPTURED', null],
        ['late@sandbox', 'collect', 2000, 'CAPTURED', null],
        [undefined, 'intent', 402, 'FAILED', 'payment_declined'],
        [undefined, 'intent', 201, 'FAILED', 'insufficient_funds'],
        [undefined, 'intent', 302, 'CAPTURED', null],
        [undefined, 'intent', 204, 'CAPTURED', null],
      ];
      for (const [vpa, flow, amount, status, failureCode] of rows) {
        const created = await s.upi(vpa, flow, { amount });
        const approved = (await s.act(created.id, 'approve').expect(200)).body;
        expect({ vpa, amount, status: approved.status, failure_code: approved.failure_code }).toEqual({ vpa, amount, status, failure_code: failureCode });
      }
    });

    it('expire@sandbox never answers: FAILED payment_expired (U69) at expire_after_s, not before', async () => {
      const s = await steps('upi-expire');
      const byDefault = await s.upi('expire@sandbox');
      const short = await s.upi('expire@sandbox', 'collect', {}, { expire_after_s: 60 });
      const start = await s.now();
      expect(new Date(byDefault.next_action!.expires_at).getTime() - start.getTime()).toBeGreaterThan(590_000);
      expect(short.next_action).toEqual({ type: 'upi_collect', expires_at: expect.any(String) });
      await s.advance('59s');
      expect((await s.get(short.id)).status).toBe('PROCESSING');
      await s.advance('1s');
      expect(await s.get(short.id)).toMatchObject({ status: 'FAILED', failure_code: 'payment_expired', payment_method: { upi: { npci_code: 'U69' } } });
      expect((await s.get(byDefault.id)).status).toBe('PROCESSING');
      await s.advance('540s');
      expect(await s.get(byDefault.id)).toMatchObject({ status: 'FAILED', failure_code: 'payment_expired' });
      // The expiry is the end: nothing comes back later.
      await s.advance('1h');
      expect((await s.get(byDefault.id)).status).toBe('FAILED');
      expect(await s.eventTypes(byDefault.id)).toEqual(['payment.created', 'payment.processing', 'payment.failed']);
    });

    it.each([
      ['automatic', 'CAPTURED', ['payment.authorized', 'payment.captured']],
      ['manual', 'AUTHORIZED', ['payment.authorized']],
    ])('late@sandbox (%s capture): FAILED payment_expired at expiry, then 10 min later %s after all, with its events', async (captureMethod, lateStatus, lateEvents) => {
      const s = await steps(`upi-late-${captureMethod}`);
      const created = await s.upi('late@sandbox', 'collect', { capture_method: captureMethod });
      await s.advance('600s');
      expect(await s.get(created.id)).toMatchObject({ status: 'FAILED', failure_code: 'payment_expired' });
      await s.advance('9m');
      expect((await s.get(created.id)).status).toBe('FAILED');
      await s.advance('1m');
      const late = await s.get(created.id);
      expect(late).toMatchObject({ status: lateStatus, failure_code: null, failure_message: null, payment_method: { upi: { npci_code: '00' } } });
      expect(await s.eventTypes(created.id)).toEqual(['payment.created', 'payment.processing', 'payment.failed', ...lateEvents]);
      expect((await s.history(created.id)).slice(2)).toEqual([
        'PROCESSING>FAILED:EXPIRE',
        'FAILED>AUTHORIZED:LATE_AUTHORIZE',
        ...(lateStatus === 'CAPTURED' ? ['AUTHORIZED>CAPTURED:CAPTURE'] : []),
      ]);
    });

    it('intent: next_action carries a upi://pay link and the same QR payload', async () => {
      const s = await steps('upi-intent');
      const created = await s.upi(undefined, 'intent', { amount: 12_345 });
      expect(created.next_action).toEqual({ type: 'upi_intent', intent_url: expect.stringMatching(/^upi:\/\/pay\?/), qr_payload: created.next_action!.intent_url });
      const link = new URL(created.next_action!.intent_url);
      expect(link.searchParams.get('am')).toBe('123.45');
      expect(link.searchParams.get('cu')).toBe('INR');
      expect(link.searchParams.get('tr')).toBe(created.id);
    });
  });

  describe('M-Pesa STK push', () => {
    const ROWS: Array<[string, string, string | null, number, string]> = [
      ['254708374149', 'CAPTURED', null, 0, 'The service request is processed successfully.'],
      ['254700000001', 'FAILED', 'insufficient_funds', 1, 'The balance is insufficient for the transaction.'],
      ['254700001032', 'FAILED', 'payment_cancelled', 1032, 'Request cancelled by user.'],
      ['254700002001', 'FAILED', 'incorrect_pin', 2001, 'The initiator information is invalid.'],
      ['254700001019', 'FAILED', 'payment_expired', 1019, 'Transaction has expired.'],
      ['254112345678', 'CAPTURED', null, 0, 'The service request is processed successfully.'],
    ];

    it('every phone answers 3 s later on the merchant clock with its ResultCode; 1037 (unreachable) only after 60 s', async () => {
      const s = await steps('mpesa-clock');
      const created = await Promise.all(ROWS.map(([phone]) => s.mpesa(phone)));
      const unreachable = await s.mpesa('254700001037');
      for (const payment of [...created, unreachable]) {
        expect(payment.status).toBe('PROCESSING');
        expect(payment.next_action).toEqual({ type: 'mpesa_stk_push', checkout_request_id: payment.payment_method.mpesa.checkout_request_id });
        expect(payment.payment_method.mpesa.checkout_request_id).toMatch(/^ws_CO_\d{14}\d+$/);
      }
      await s.advance('3s');
      for (const [index, [phone, status, failureCode, resultCode, resultDesc]] of ROWS.entries()) {
        const after = await s.get(created[index].id);
        expect({ phone, status: after.status, failure_code: after.failure_code }).toEqual({ phone, status, failure_code: failureCode });
        expect(after.payment_method).toEqual({
          type: 'mpesa',
          mpesa: {
            phone: `${phone.slice(0, 4)}****${phone.slice(-4)}`,
            checkout_request_id: created[index].payment_method.mpesa.checkout_request_id,
            result_code: resultCode,
            result_desc: resultDesc,
            receipt_number: status === 'CAPTURED' ? expect.stringMatching(/^[A-Z0-9]{10}$/) : null,
          },
        });
      }
      expect((await s.get(unreachable.id)).status).toBe('PROCESSING');
      await s.advance('56s');
      expect((await s.get(unreachable.id)).status).toBe('PROCESSING');
      await s.advance('1s');
      expect(await s.get(unreachable.id)).toMatchObject({ status: 'FAILED', failure_code: 'customer_unreachable', payment_method: { mpesa: { result_code: 1037 } } });
      expect(await s.eventTypes(unreachable.id)).toEqual(['payment.created', 'payment.processing', 'payment.failed']);
    });

    it('approve: code 1 (insufficient balance) still applies; the customer-side codes do not', async () => {
      const s = await steps('mpesa-approve');
      for (const [phone, status] of [
        ['254708374149', 'CAPTURED'],
        ['254700000001', 'FAILED'],
        ['254700001032', 'CAPTURED'],
        ['254700001037', 'CAPTURED'],
        ['254700002001', 'CAPTURED'],
        ['254700001019', 'CAPTURED'],
      ]) {
        const created = await s.mpesa(phone);
        const approved = (await s.act(created.id, 'approve').expect(200)).body;
        expect({ phone, status: approved.status }).toEqual({ phone, status });
      }
    });
  });

  describe('fail, cancel and abandon', () => {
    it.each([
      ['3DS', 'fail', 'authentication_failed', { result: 'failed', flow: 'challenge' }],
      ['3DS', 'cancel', 'payment_cancelled', { result: 'failed', flow: 'challenge' }],
      ['3DS', 'abandon', 'authentication_abandoned', { result: 'failed', flow: 'challenge' }],
      ['UPI', 'fail', 'incorrect_pin', 'ZM'],
      ['UPI', 'cancel', 'payment_cancelled', 'ZA'],
      ['UPI', 'abandon', 'payment_expired', 'U69'],
      ['M-Pesa', 'fail', 'incorrect_pin', 2001],
      ['M-Pesa', 'cancel', 'payment_cancelled', 1032],
      ['M-Pesa', 'abandon', 'payment_expired', 1019],
    ])('%s %s → FAILED %s', async (method, action, failureCode, detail) => {
      const s = await steps(`act-${method}-${action}`);
      const created =
        method === '3DS' ? await s.card3ds('4000002760003184') : method === 'UPI' ? await s.upi('success@sandbox') : await s.mpesa('254708374149');
      const after = (await s.act(created.id, action).expect(200)).body as Payment;
      expect(after).toMatchObject({ status: 'FAILED', failure_code: failureCode, next_action: null });
      expect(after.failure_message).toEqual(expect.any(String));
      if (method === '3DS') expect(after.payment_method.card.three_d_secure).toEqual(detail);
      if (method === 'UPI') expect(after.payment_method.upi.npci_code).toBe(detail);
      if (method === 'M-Pesa') expect(after.payment_method.mpesa.result_code).toBe(detail);
      // The step's own timers find nothing pending afterwards.
      await s.advance('2h');
      expect(await s.get(created.id)).toEqual(after);
    });

    it('abandoning late@sandbox is its expiry: it still comes back authorized 10 minutes later', async () => {
      const s = await steps('act-late-abandon');
      const created = await s.upi('late@sandbox');
      expect((await s.act(created.id, 'abandon').expect(200)).body).toMatchObject({ status: 'FAILED', failure_code: 'payment_expired' });
      await s.advance('10m');
      expect((await s.get(created.id)).status).toBe('CAPTURED');
    });
  });
});
