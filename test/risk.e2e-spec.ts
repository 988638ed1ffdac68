import { DataSource } from 'typeorm';
import { RiskService } from '../src/risk/risk.service';
import { VelocityService } from '../src/risk/velocity.service';
import { bearer, createMerchant, eventually, startTestApp, TestApp, TestMerchant } from './support/test-app';

interface Outcome {
  type: string;
  risk_level: string;
  risk_score: number;
  rule: { id: string; action: string; predicate: string } | null;
  seller_message: string;
}

interface Payment {
  id: string;
  status: string;
  failure_code: string | null;
  amount_captured: number;
  next_action: { type: string; redirect_to_url: { url: string; return_url: string | null } } | null;
  payment_method: { card: { three_d_secure: Record<string, unknown> } };
  outcome: Outcome;
}

interface Rule {
  id: string;
  object: string;
  action: string;
  predicate: string;
  created_at: string;
}

interface Review {
  id: string;
  object: string;
  payment_id: string;
  status: string;
  reason: string;
  closed_reason: string | null;
  created_at: string;
}

const ALWAYS_BLOCKED = '4100000000000019';
const HIGHEST = '4000000000004954';
const ELEVATED = '4000000000009235';
const MASTERCARD = '5555555555554444';

jest.setTimeout(120_000);

describe('risk: outcome, rules, velocity, reviews (e2e)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  const card = (number: string) => ({ payment_method: { type: 'card', card: { number, exp_month: 12, exp_year: 2099, cvc: '123' } } });

  async function pay(merchant: TestMerchant, body: Record<string, unknown> = {}): Promise<Payment> {
    const response = await app.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 2_000, currency: 'usd', ...body });
    expect(response.status).toBe(201);
    return response.body as Payment;
  }

  const rules = async (merchant: TestMerchant): Promise<Rule[]> => (await app.http.get('/v1/risk-rules').set(bearer(merchant)).expect(200)).body.data;
  const addRule = async (merchant: TestMerchant, action: string, predicate: string): Promise<Rule> =>
    (await app.http.post('/v1/risk-rules').set(bearer(merchant)).send({ action, predicate }).expect(201)).body;
  const deleteRule = (merchant: TestMerchant, id: string) => app.http.delete(`/v1/risk-rules/${id}`).set(bearer(merchant));
  const reviews = async (merchant: TestMerchant, query = ''): Promise<Review[]> => (await app.http.get(`/v1/reviews${query}`).set(bearer(merchant)).expect(200)).body.data;
  const eventTypes = async (merchant: TestMerchant, paymentId: string): Promise<string[]> =>
    ((await app.http.get(`/v1/events?payment_id=${paymentId}&limit=100`).set(bearer(merchant)).expect(200)).body.data as Array<{ type: string }>).map((e) => e.type).reverse();

  describe('outcome on every card payment', () => {
    let merchant: TestMerchant;
    beforeAll(async () => {
      merchant = await createMerchant(app.http, 'risk outcomes');
    });

    it('an ordinary payment is authorized, normal, score 10, no rule', async () => {
      const payment = await pay(merchant);
      expect(payment.status).toBe('CAPTURED');
      expect(payment.outcome).toEqual({ type: 'authorized', risk_level: 'normal', risk_score: 10, rule: null, seller_message: 'Payment complete.' });
      expect((await app.http.get(`/v1/payments/${payment.id}`).set(bearer(merchant)).expect(200)).body.outcome).toEqual(payment.outcome);
    });

    it('one signal alone (USD 1,000 or more) stays normal; an issuer decline is issuer_declined', async () => {
      const large = await pay(merchant, { amount: 150_000, currency: 'eur' });
      expect(large.outcome).toMatchObject({ type: 'authorized', risk_level: 'normal', risk_score: 40 });
      const declined = await pay(merchant, card('4000000000000002'));
      expect(declined).toMatchObject({ status: 'FAILED', failure_code: 'card_declined', outcome: { type: 'issuer_declined', risk_level: 'normal', rule: null } });
    });

    it('card country ≠ payer country plus USD 1,000 is two signals: elevated (70) → review; attributes see the countries', async () => {
      const mismatch = await pay(merchant, { customer_country: 'DE' });
      expect(mismatch.outcome).toMatchObject({ type: 'authorized', risk_level: 'normal', risk_score: 40 });
      const both = await pay(merchant, { customer_country: 'DE', amount: 100_000 });
      expect(both.outcome).toMatchObject({ type: 'manual_review', risk_level: 'elevated', risk_score: 70, rule: { action: 'review' } });
      const countries = await createMerchant(app.http, 'risk countries');
      const rule = await addRule(countries, 'block', ":card_country: = 'US' and :ip_country: in ('GB', 'FR')");
      expect((await pay(countries, { customer_ip: '81.2.69.160' })).outcome).toMatchObject({ type: 'blocked', rule: { id: rule.id } });
      expect((await pay(countries)).outcome.type).toBe('authorized');
    });

    it('4100000000000019 is always blocked, rule null, highest → FAILED fraud_detected', async () => {
      const payment = await pay(merchant, card(ALWAYS_BLOCKED));
      expect(payment).toMatchObject({ status: 'FAILED', failure_code: 'fraud_detected' });
      expect(payment.outcome).toMatchObject({ type: 'blocked', risk_level: 'highest', risk_score: 100, rule: null });
    });

    it('4000000000004954 is highest and blocked by the default block rule', async () => {
      const block = (await rules(merchant)).find((rule) => rule.action === 'block');
      const payment = await pay(merchant, card(HIGHEST));
      expect(payment).toMatchObject({ status: 'FAILED', failure_code: 'fraud_detected' });
      expect(payment.outcome).toMatchObject({ type: 'blocked', risk_level: 'highest', risk_score: 95, rule: { id: block!.id, action: 'block', predicate: ":risk_level: = 'highest'" } });
      expect(await eventTypes(merchant, payment.id)).toEqual(['payment.created', 'payment.failed']);
    });

    it('4000000000009235 is elevated: the payment succeeds and a review opens (review.opened)', async () => {
      const payment = await pay(merchant, card(ELEVATED));
      expect(payment.status).toBe('CAPTURED');
      expect(payment.outcome).toMatchObject({ type: 'manual_review', risk_level: 'elevated', risk_score: 75, rule: { action: 'review' } });
      const [review] = (await reviews(merchant, '?status=open')).filter((r) => r.payment_id === payment.id);
      expect(review).toEqual({ id: expect.stringMatching(/^rv_/), object: 'review', payment_id: payment.id, status: 'open', reason: 'rule', closed_reason: null, created_at: expect.any(String) });
      expect(await eventTypes(merchant, payment.id)).toEqual(['payment.created', 'payment.authorized', 'payment.captured', 'review.opened']);
    });

    it("Stripe's risk test payment methods behave like their cards", async () => {
      expect((await pay(merchant, { payment_method: 'pm_card_riskLevelElevated' })).outcome).toMatchObject({ type: 'manual_review', risk_level: 'elevated' });
      expect((await pay(merchant, { payment_method: 'pm_card_riskLevelHighest' })).outcome).toMatchObject({ type: 'blocked', risk_level: 'highest' });
      expect((await pay(merchant, { payment_method: 'pm_card_chargeDeclinedFraudulent' })).outcome).toMatchObject({ type: 'blocked', rule: null });
    });
  });

  describe('rules', () => {
    it('every merchant starts with the two defaults, listed and deletable; deleting the block rule lets 4954 through', async () => {
      const merchant = await createMerchant(app.http, 'risk defaults');
      const other = await createMerchant(app.http, 'risk bystander');
      const defaults = await rules(merchant);
      expect(defaults.map((rule) => [rule.action, rule.predicate])).toEqual([
        ['block', ":risk_level: = 'highest'"],
        ['review', ":risk_level: = 'elevated'"],
      ]);
      expect(defaults[0]).toMatchObject({ id: expect.stringMatching(/^rr_/), object: 'risk_rule' });
      expect((await deleteRule(other, defaults[0].id)).status).toBe(404);
      expect((await deleteRule(merchant, defaults[0].id).expect(200)).body).toEqual({ id: defaults[0].id, object: 'risk_rule', deleted: true });
      expect((await deleteRule(merchant, defaults[0].id)).body.error.code).toBe('resource_missing');
      expect((await rules(merchant)).map((rule) => rule.id)).toEqual([defaults[1].id]);
      expect((await rules(other)).length).toBe(2);
      const payment = await pay(merchant, card(HIGHEST));
      expect(payment.status).toBe('CAPTURED');
      expect(payment.outcome).toMatchObject({ type: 'authorized', risk_level: 'highest', rule: null });
      const audit = (await app.http.get('/v1/audit-logs?kind=rule').set(bearer(merchant)).expect(200)).body.data as Array<{ action: string; object_id: string }>;
      expect(audit.map((entry) => [entry.action, entry.object_id])).toEqual([['deleted', defaults[0].id]]);
    });

    it('each action: allow beats block beats review, whatever the creation order; the matched rule is on the outcome', async () => {
      const merchant = await createMerchant(app.http, 'risk order');
      const review = await addRule(merchant, 'review', ':amount_in_usd: >= 50');
      const block = await addRule(merchant, 'block', ':amount_in_usd: >= 100');
      const allow = await addRule(merchant, 'allow', ":amount_in_usd: >= 200 and :card_brand: = 'visa'");
      expect((await rules(merchant)).map((rule) => rule.action)).toEqual(['allow', 'block', 'block', 'review', 'review']);

      const reviewed = await pay(merchant, { amount: 6_000 });
      expect(reviewed).toMatchObject({ status: 'CAPTURED', outcome: { type: 'manual_review', rule: { id: review.id, action: 'review' } } });
      const blocked = await pay(merchant, { amount: 15_000 });
      expect(blocked).toMatchObject({ status: 'FAILED', failure_code: 'fraud_detected', outcome: { type: 'blocked', risk_level: 'normal', rule: { id: block.id } } });
      const allowed = await pay(merchant, { amount: 25_000, ...card(HIGHEST) });
      expect(allowed).toMatchObject({ status: 'CAPTURED', outcome: { type: 'authorized', risk_level: 'highest', rule: { id: allow.id, action: 'allow' } } });
      const mastercard = await pay(merchant, { amount: 25_000, ...card(MASTERCARD) });
      expect(mastercard.outcome.rule?.id).toBe(block.id);
      const audit = (await app.http.get('/v1/audit-logs?kind=rule').set(bearer(merchant)).expect(200)).body.data as Array<{ action: string; object_id: string }>;
      expect(audit.map((entry) => [entry.action, entry.object_id])).toEqual([
        ['created', allow.id],
        ['created', block.id],
        ['created', review.id],
      ]);
    });

    it.each([
      ['predicate', { action: 'block', predicate: ':nope: > 1' }, /position 1: unknown attribute :nope:/],
      ['predicate', { action: 'block', predicate: ":amount_in_usd: > 'x'" }, /position 19: :amount_in_usd: is a number/],
      ['predicate', { action: 'block', predicate: ':risk_score: >' }, /position 15: expected a number value/],
      ['predicate', { action: 'block', predicate: `:risk_score: > 1${' or :risk_score: > 1'.repeat(60)}` }, /at most 1000/],
      ['predicate', { action: 'block', predicate: `${'('.repeat(30)}:risk_score: > 1${')'.repeat(30)}` }, /nesting deeper than 20/],
      ['predicate', { action: 'block', predicate: '' }, /must not be empty/],
      // Rules apply to card payments only: a rule cannot be limited to UPI / M-Pesa (nor can card velocity apply to them).
      ['predicate', { action: 'block', predicate: ":payment_method_type: = 'upi' and :charges_per_card_hourly: > 4" }, /position 1: :payment_method_type: is not an attribute: risk rules run on card payments only/],
      ['predicate', { action: 'review', predicate: ":charges_per_ip_hourly: > 4 and :payment_method: in ('mpesa')" }, /position 33: .*cannot be limited to a payment method/],
      ['predicate', { action: 'block', predicate: 5 }, /must be a string/],
      ['action', { action: 'deny', predicate: ':risk_score: > 1' }, /action must be one of/],
      ['extra', { action: 'block', predicate: ':risk_score: > 1', extra: 1 }, /./],
    ])('bad input #%# → 400 on %s', async (param, body, message) => {
      const merchant = await createMerchant(app.http, 'risk bad input');
      const response = await app.http.post('/v1/risk-rules').set(bearer(merchant)).send(body).expect(400);
      expect(response.body.error.param).toBe(param);
      expect(response.body.error.message).toMatch(message);
      expect((await rules(merchant)).length).toBe(2);
    });
  });

  describe('request_3ds (3-D Secure asked by a rule; the other rules after authentication)', () => {
    const page = (payment: Payment) => new URL(payment.next_action!.redirect_to_url.url).pathname;
    const act = (merchant: TestMerchant, id: string, action: string) => app.http.post(`/v1/payments/${id}/customer-action`).set(bearer(merchant)).send({ action });
    const get = async (merchant: TestMerchant, id: string): Promise<Payment> => (await app.http.get(`/v1/payments/${id}`).set(bearer(merchant)).expect(200)).body;
    const usd = (dollars: number, number = MASTERCARD) => ({ amount: dollars * 100, ...card(number) });

    /** request_3ds from USD 100, block from 500, review from 200 (created in the reverse of evaluation order). */
    async function merchantWithRules(name: string) {
      const merchant = await createMerchant(app.http, name);
      const review = await addRule(merchant, 'review', ':amount_in_usd: >= 200');
      const block = await addRule(merchant, 'block', ':amount_in_usd: >= 500');
      const threeDS = await addRule(merchant, 'request_3ds', ':amount_in_usd: >= 100');
      expect((await rules(merchant)).map((rule) => rule.action)).toEqual(['request_3ds', 'block', 'block', 'review', 'review']);
      return { merchant, review, block, threeDS };
    }

    it('a match sends a card that would not be challenged to 3-D Secure exactly as a challenge card goes; outcome.rule is the request_3ds rule', async () => {
      const { merchant, threeDS } = await merchantWithRules('risk 3ds hand-off');
      const below = await pay(merchant, usd(50));
      expect(below).toMatchObject({ status: 'CAPTURED', next_action: null, outcome: { type: 'authorized', rule: null } });

      const requested = await pay(merchant, usd(150));
      const challengeCard = await pay(merchant, { amount: 5_000, ...card('4000002760003184') });
      expect(requested).toMatchObject({ status: 'REQUIRES_ACTION', failure_code: null, amount_captured: 0 });
      expect(requested.outcome).toEqual({
        type: 'authorized',
        risk_level: 'normal',
        risk_score: 10,
        rule: { id: threeDS.id, action: 'request_3ds', predicate: ':amount_in_usd: >= 100' },
        seller_message: `Waiting for the customer to authenticate with 3-D Secure. 3-D Secure was requested by rule ${threeDS.id}. The other rules run once the customer has authenticated.`,
      });
      expect(requested.next_action).toEqual({
        type: 'redirect_to_url',
        redirect_to_url: { url: expect.stringMatching(/^http:\/\/localhost:\d+\/v1\/3ds\/3ds_[A-Za-z0-9_-]{43}$/), return_url: null },
      });
      // Same shape as the challenge test card's (status, next_action, three_d_secure), the rule aside.
      expect(challengeCard).toMatchObject({ status: 'REQUIRES_ACTION', outcome: { rule: null } });
      expect(Object.keys(requested.next_action!)).toEqual(Object.keys(challengeCard.next_action!));
      expect(requested.payment_method.card.three_d_secure).toEqual({ result: null, flow: 'challenge' });
      expect(requested.payment_method.card.three_d_secure).toEqual(challengeCard.payment_method.card.three_d_secure);
      expect(await eventTypes(merchant, requested.id)).toEqual(['payment.created', 'payment.requires_action']);

      // Authenticated, no other rule matches: captured, the request_3ds rule stays on the outcome.
      const approved = (await act(merchant, requested.id, 'approve').expect(200)).body as Payment;
      expect(approved).toMatchObject({ status: 'CAPTURED', next_action: null, outcome: { type: 'authorized', rule: { id: threeDS.id } } });
      expect(approved.outcome.seller_message).toBe(`Payment complete. 3-D Secure was requested by rule ${threeDS.id}.`);
      expect(approved.payment_method.card.three_d_secure).toEqual({ result: 'authenticated', flow: 'challenge' });
      expect(await get(merchant, requested.id)).toEqual(approved);
      expect(await eventTypes(merchant, requested.id)).toEqual(['payment.created', 'payment.requires_action', 'payment.authorized', 'payment.captured']);
    });

    it('after authentication block → FAILED fraud_detected (blocked, the block rule); review → captured with a review (the 3DS page); failed authentication → as any 3DS failure', async () => {
      const { merchant, block, review, threeDS } = await merchantWithRules('risk 3ds then rules');
      // At creation nothing is blocked: the request_3ds rule wins first.
      const toBlock = await pay(merchant, usd(600));
      const toReview = await pay(merchant, usd(300));
      const toFail = await pay(merchant, usd(600));
      const abandoned = await pay(merchant, usd(300));
      for (const payment of [toBlock, toReview, toFail, abandoned]) expect(payment).toMatchObject({ status: 'REQUIRES_ACTION', outcome: { type: 'authorized', rule: { id: threeDS.id } } });

      const blocked = (await act(merchant, toBlock.id, 'approve').expect(200)).body as Payment;
      expect(blocked).toMatchObject({ status: 'FAILED', failure_code: 'fraud_detected', next_action: null, amount_captured: 0 });
      expect(blocked.outcome).toEqual({
        type: 'blocked',
        risk_level: 'normal',
        risk_score: 10,
        rule: { id: block.id, action: 'block', predicate: ':amount_in_usd: >= 500' },
        seller_message: `The payment was blocked as too risky by rule ${block.id} (:amount_in_usd: >= 500).`,
      });
      expect(blocked.payment_method.card.three_d_secure).toEqual({ result: 'authenticated', flow: 'challenge' });
      expect(await eventTypes(merchant, toBlock.id)).toEqual(['payment.created', 'payment.requires_action', 'payment.failed']);

      // The customer completes the challenge on the page (as a browser would).
      const answer = await app.http.post(page(toReview)).type('form').send('choice=complete').expect(200);
      expect(answer.text).toContain('<strong id="redirect_status">succeeded</strong>');
      const reviewed = await get(merchant, toReview.id);
      expect(reviewed).toMatchObject({ status: 'CAPTURED', outcome: { type: 'manual_review', rule: { id: review.id, action: 'review' } } });
      const opened = (await reviews(merchant)).filter((r) => r.payment_id === toReview.id);
      expect(opened).toEqual([expect.objectContaining({ status: 'open', reason: 'rule', closed_reason: null })]);
      expect(await eventTypes(merchant, toReview.id)).toEqual(['payment.created', 'payment.requires_action', 'payment.authorized', 'payment.captured', 'review.opened']);

      const failed = (await act(merchant, toFail.id, 'fail').expect(200)).body as Payment;
      expect(failed).toMatchObject({ status: 'FAILED', failure_code: 'authentication_failed' });
      expect(failed.outcome).toMatchObject({ type: 'issuer_declined', rule: { id: threeDS.id }, seller_message: 'The customer did not complete 3-D Secure authentication (authentication_failed).' });
      expect(failed.payment_method.card.three_d_secure).toEqual({ result: 'failed', flow: 'challenge' });

      // Left alone, the challenge expires on the merchant clock: no rule runs, no review.
      await app.http.post('/v1/test-clock/advance').set(bearer(merchant)).send({ by: '10m' }).expect(200);
      expect(await get(merchant, abandoned.id)).toMatchObject({ status: 'FAILED', failure_code: 'authentication_abandoned', outcome: { type: 'issuer_declined', rule: { id: threeDS.id } } });
      expect((await reviews(merchant)).map((r) => r.payment_id)).toEqual([toReview.id]);
      // Failed payments count as declines on the card (blocked, failed and abandoned: 3).
      const allow = await addRule(merchant, 'allow', ':declines_per_card_hourly: = 3');
      expect((await pay(merchant, usd(50))).outcome).toMatchObject({ type: 'authorized', rule: { id: allow.id } });
    });

    it('the rules after authentication are the rules as they are then; allow beats block there too', async () => {
      const { merchant } = await merchantWithRules('risk 3ds rules then');
      const waiting = await pay(merchant, usd(150));
      const allowed = await pay(merchant, usd(600, '5105105105105100'));
      expect(allowed.status).toBe('REQUIRES_ACTION');
      const late = await addRule(merchant, 'block', ":card_bin: = '555555'");
      const allow = await addRule(merchant, 'allow', ":card_brand: = 'mastercard' and :card_bin: = '510510'");
      expect((await act(merchant, waiting.id, 'approve').expect(200)).body).toMatchObject({ status: 'FAILED', failure_code: 'fraud_detected', outcome: { type: 'blocked', rule: { id: late.id } } });
      expect((await act(merchant, allowed.id, 'approve').expect(200)).body).toMatchObject({ status: 'CAPTURED', outcome: { type: 'authorized', rule: { id: allow.id } } });
    });

    it('a challenge card: the request_3ds rule still matches first (no block at creation); without one, a review rule opens its review once authenticated', async () => {
      const { merchant, block, threeDS } = await merchantWithRules('risk 3ds challenge card');
      const payment = await pay(merchant, { amount: 60_000, ...card('4000002760003184') });
      expect(payment).toMatchObject({ status: 'REQUIRES_ACTION', outcome: { rule: { id: threeDS.id } } });
      expect((await act(merchant, payment.id, 'approve').expect(200)).body).toMatchObject({ status: 'FAILED', failure_code: 'fraud_detected', outcome: { type: 'blocked', rule: { id: block.id } } });
      // A card that declines after authentication: the bank's answer, with the rule that let it through.
      const declining = await pay(merchant, { amount: 15_000, ...card('4000008400001629') });
      expect((await act(merchant, declining.id, 'approve').expect(200)).body).toMatchObject({ status: 'FAILED', failure_code: 'card_declined', outcome: { type: 'issuer_declined', rule: { id: threeDS.id } } });

      const plain = await createMerchant(app.http, 'risk 3ds review only');
      const review = await addRule(plain, 'review', ':amount_in_usd: >= 200');
      const reviewed = await pay(plain, { amount: 30_000, ...card('4000002760003184') });
      expect(reviewed).toMatchObject({ status: 'REQUIRES_ACTION', outcome: { type: 'authorized', rule: { id: review.id } } });
      expect(await reviews(plain)).toEqual([]);
      expect((await act(plain, reviewed.id, 'approve').expect(200)).body).toMatchObject({ status: 'CAPTURED', outcome: { type: 'manual_review', rule: { id: review.id } } });
      expect((await reviews(plain, '?status=open')).map((r) => r.payment_id)).toEqual([reviewed.id]);
    });

    it('no challenge after all (4242 is not enrolled, 4000000000003055 is frictionless): the other rules decide at creation', async () => {
      const { merchant, block, threeDS } = await merchantWithRules('risk 3ds no challenge');
      const notEnrolled = await pay(merchant, usd(150, '4242424242424242'));
      expect(notEnrolled).toMatchObject({ status: 'CAPTURED', next_action: null, outcome: { type: 'authorized', rule: { id: threeDS.id } } });
      expect(notEnrolled.payment_method.card.three_d_secure).toEqual({ result: 'attempt_acknowledged', flow: null });
      const frictionless = await pay(merchant, usd(600, '4000000000003055'));
      expect(frictionless).toMatchObject({ status: 'FAILED', failure_code: 'fraud_detected', outcome: { type: 'blocked', rule: { id: block.id } } });
      expect(frictionless.payment_method.card.three_d_secure).toEqual({ result: 'authenticated', flow: 'frictionless' });
      const reviewed = await pay(merchant, usd(300, '4242424242424242'));
      expect(reviewed).toMatchObject({ status: 'CAPTURED', outcome: { type: 'manual_review' } });
      expect((await reviews(merchant)).map((r) => r.payment_id)).toEqual([reviewed.id]);
    });
  });

  describe('velocity (merchant clock)', () => {
    it('the 5th payment on a card within the hour trips :charges_per_card_hourly: > 4; advancing the clock 1 h resets it', async () => {
      const merchant = await createMerchant(app.http, 'risk velocity');
      await app.http.post('/v1/test-clock/freeze').set(bearer(merchant)).expect(200);
      const rule = await addRule(merchant, 'block', ':charges_per_card_hourly: > 4');
      for (let i = 0; i < 4; i++) expect((await pay(merchant, card(MASTERCARD))).status).toBe('CAPTURED');
      // Another card is counted apart.
      expect((await pay(merchant)).status).toBe('CAPTURED');
      const fifth = await pay(merchant, card(MASTERCARD));
      expect(fifth).toMatchObject({ status: 'FAILED', failure_code: 'fraud_detected', outcome: { type: 'blocked', rule: { id: rule.id } } });
      await app.http.post('/v1/test-clock/advance').set(bearer(merchant)).send({ by: '1h' }).expect(200);
      expect((await pay(merchant, card(MASTERCARD))).status).toBe('CAPTURED');
    });

    it('windows slide: 10:59 and 11:01 are one hour; a payment counts until it is exactly an hour old (and a day for the daily count)', async () => {
      const merchant = await createMerchant(app.http, 'risk velocity boundary');
      await app.http.post('/v1/test-clock/freeze').set(bearer(merchant)).expect(200);
      const clockNow = new Date((await app.http.get('/v1/test-clock').set(bearer(merchant)).expect(200)).body.now);
      // The next hh:59:00.000 at least a minute ahead.
      const start = new Date(Math.ceil((clockNow.getTime() + 120_000) / 3_600_000) * 3_600_000 - 60_000);
      const advance = (body: Record<string, string>) => app.http.post('/v1/test-clock/advance').set(bearer(merchant)).send(body).expect(200);
      await advance({ to: start.toISOString() });
      const block = await addRule(merchant, 'block', ':charges_per_card_hourly: > 4');
      const daily = await addRule(merchant, 'review', ':charges_per_card_daily: >= 7');
      for (let i = 0; i < 4; i++) expect((await pay(merchant, card(MASTERCARD))).status).toBe('CAPTURED');
      // 11:01, across the UTC hour boundary: the 5th payment in the last hour.
      await advance({ by: '2m' });
      expect((await pay(merchant, card(MASTERCARD))).outcome).toMatchObject({ type: 'blocked', rule: { id: block.id } });
      // 11:58:59.999: the four of 10:59 are still within the hour (6 now).
      await advance({ to: new Date(start.getTime() + 3_600_000 - 1).toISOString() });
      expect((await pay(merchant, card(MASTERCARD))).outcome).toMatchObject({ type: 'blocked', rule: { id: block.id } });
      // 11:59:00.000, exactly an hour after them: they are out (3 in the hour), but all 7 are in the day.
      await advance({ by: '1ms' });
      expect((await pay(merchant, card(MASTERCARD))).outcome).toMatchObject({ type: 'manual_review', rule: { id: daily.id } });
      // A day after the first four: 4 left in the day.
      await advance({ to: new Date(start.getTime() + 86_400_000).toISOString() });
      expect((await pay(merchant, card(MASTERCARD))).outcome).toMatchObject({ type: 'authorized', rule: null });
    });

    it('a request whose clock reading is behind the key (read before an advance) is counted exactly, and later counts stay exact', async () => {
      const merchant = await createMerchant(app.http, 'risk velocity late');
      const velocity = app.sandbox.app.get(VelocityService);
      const keys = { cardFingerprint: `fp-late-${merchant.id}`, ip: '203.0.113.9', email: null };
      const t0 = Date.parse('2030-01-01T10:00:00Z');
      const at = (minutes: number) => new Date(t0 + minutes * 60_000);
      const counts = async (minutes: number) => {
        const c = await velocity.count(merchant.id, keys, at(minutes));
        return [c.charges_per_card_hourly, c.charges_per_card_daily, c.charges_per_ip_hourly];
      };
      expect(await counts(0)).toEqual([1, 1, 1]);
      expect(await counts(120)).toEqual([1, 2, 1]);
      // Late: its hour is (09:30, 10:30]: the 10:00 payment and itself; its day has the 10:00 one too.
      expect(await counts(30)).toEqual([2, 2, 2]);
      // Back in order: (11:01, 12:01] has 12:00 and itself; the day all four.
      expect(await counts(121)).toEqual([2, 4, 2]);
      expect(await counts(60 * 24 + 30)).toEqual([1, 3, 1]);
    });

    it('the sweep deletes what no window can count any more (on the merchant clock), and nothing else', async () => {
      const merchant = await createMerchant(app.http, 'risk velocity sweep');
      const db = app.sandbox.app.get(DataSource);
      await app.http.post('/v1/test-clock/freeze').set(bearer(merchant)).expect(200);
      await pay(merchant, { customer_email: 'sweep@example.com' });
      await pay(merchant, card('4000000000000002'));
      const waiting = await pay(merchant, card('4000002760003184'));
      await app.http.post(`/v1/payments/${waiting.id}/cancel`).set(bearer(merchant)).send({}).expect(200);
      const rows = async () => {
        const [row] = await db.query(
          `SELECT (SELECT count(*)::int FROM risk_velocity_keys WHERE merchant_id = $1) AS keys,
                  (SELECT count(*)::int FROM risk_velocity_events WHERE merchant_id = $1 AND dimension <> 'card_declines') AS charges,
                  (SELECT count(*)::int FROM risk_velocity_events WHERE merchant_id = $1 AND dimension = 'card_declines') AS declines,
                  (SELECT count(*)::int FROM risk_3ds_holds WHERE merchant_id = $1) AS holds`,
          [merchant.id],
        );
        return row;
      };
      // Keys: 3 cards, the IP, the e-mail; events: 3 card charges, 3 IP, 1 e-mail; one decline; the canceled payment's hold.
      expect(await rows()).toEqual({ keys: 5, charges: 7, declines: 1, holds: 1 });
      const risk = app.sandbox.app.get(RiskService);
      await risk.sweep();
      expect(await rows()).toEqual({ keys: 5, charges: 7, declines: 1, holds: 1 });
      await app.http.post('/v1/test-clock/advance').set(bearer(merchant)).send({ by: '61m' }).expect(200);
      await risk.sweep();
      expect(await rows()).toEqual({ keys: 5, charges: 7, declines: 0, holds: 1 });
      await app.http.post('/v1/test-clock/advance').set(bearer(merchant)).send({ by: '1d' }).expect(200);
      await risk.sweep();
      expect(await rows()).toEqual({ keys: 0, charges: 0, declines: 0, holds: 0 });
    });

    it('UPI and M-Pesa payments never meet a rule (risk is for cards): velocity rules cannot throw for them, and they are not counted', async () => {
      const merchant = await createMerchant(app.http, 'risk velocity other methods');
      await app.http.post('/v1/test-clock/freeze').set(bearer(merchant)).expect(200);
      const rules = [
        await addRule(merchant, 'block', ':charges_per_card_hourly: >= 1 and :declines_per_card_hourly: >= 0'),
        await addRule(merchant, 'block', ':charges_per_ip_hourly: >= 1 or :charges_per_email_daily: >= 1'),
        await addRule(merchant, 'request_3ds', ':charges_per_card_daily: >= 1'),
      ];
      const upi = await pay(merchant, { currency: 'inr', customer_email: 'a@example.com', payment_method: { type: 'upi', upi: { vpa: 'success@sandbox', flow: 'collect' } } });
      const mpesa = await pay(merchant, { currency: 'kes', amount: 10_000, customer_email: 'a@example.com', payment_method: { type: 'mpesa', mpesa: { phone: '254708374149' } } });
      for (const payment of [upi, mpesa]) expect(payment).toMatchObject({ status: 'PROCESSING', failure_code: null, outcome: null });
      await app.http.post(`/v1/payments/${upi.id}/customer-action`).set(bearer(merchant)).send({ action: 'approve' }).expect(200);
      await app.http.post(`/v1/payments/${mpesa.id}/customer-action`).set(bearer(merchant)).send({ action: 'approve' }).expect(200);
      // Nothing was counted for them: the first card payment from the same IP and e-mail sees 1 (itself).
      for (const rule of rules) await deleteRule(merchant, rule.id).expect(200);
      const allow = await addRule(merchant, 'allow', ':charges_per_ip_hourly: = 1 and :charges_per_email_daily: = 1');
      expect((await pay(merchant, { customer_email: 'a@example.com' })).outcome).toMatchObject({ type: 'authorized', rule: { id: allow.id } });
    });

    it('declines, IPs and e-mails are counted too', async () => {
      const merchant = await createMerchant(app.http, 'risk velocity 2');
      await app.http.post('/v1/test-clock/freeze').set(bearer(merchant)).expect(200);
      await addRule(merchant, 'review', ':declines_per_card_hourly: >= 2');
      await addRule(merchant, 'block', ":charges_per_email_daily: > 2 and :email_domain: = 'example.com'");
      const declined = card('4000000000000002');
      expect((await pay(merchant, declined)).outcome.type).toBe('issuer_declined');
      expect((await pay(merchant, declined)).outcome.type).toBe('issuer_declined');
      // Two declines already this hour: the review rule matches, the issuer still declines.
      expect((await pay(merchant, declined)).outcome).toMatchObject({ type: 'issuer_declined', rule: { action: 'review' } });
      const email = { customer_email: 'jane@example.com' };
      expect((await pay(merchant, email)).status).toBe('CAPTURED');
      expect((await pay(merchant, email)).status).toBe('CAPTURED');
      expect((await pay(merchant, email)).outcome.type).toBe('blocked');
    });
  });

  describe('reviews', () => {
    it('approve closes a review as approved (review.closed); again → 409; other merchants see 404', async () => {
      const merchant = await createMerchant(app.http, 'risk reviews');
      const other = await createMerchant(app.http, 'risk reviews other');
      const payment = await pay(merchant, card(ELEVATED));
      const [review] = await reviews(merchant, '?status=open');
      expect(review.payment_id).toBe(payment.id);
      expect((await app.http.get(`/v1/reviews/${review.id}`).set(bearer(other))).status).toBe(404);
      expect((await app.http.post(`/v1/reviews/${review.id}/approve`).set(bearer(other))).status).toBe(404);
      const approved = (await app.http.post(`/v1/reviews/${review.id}/approve`).set(bearer(merchant)).expect(200)).body as Review;
      expect(approved).toMatchObject({ id: review.id, status: 'closed', closed_reason: 'approved' });
      expect((await app.http.get(`/v1/reviews/${review.id}`).set(bearer(merchant)).expect(200)).body).toEqual(approved);
      const again = await app.http.post(`/v1/reviews/${review.id}/approve`).set(bearer(merchant)).expect(409);
      expect(again.body.error.code).toBe('review_not_open');
      expect(await reviews(merchant, '?status=open')).toEqual([]);
      expect((await reviews(merchant, '?status=closed')).map((r) => r.id)).toEqual([review.id]);
      expect(await eventTypes(merchant, payment.id)).toContain('review.closed');
      const timeline = (await app.http.get(`/v1/payments/${payment.id}/timeline`).set(bearer(merchant)).expect(200)).body.data as Array<Record<string, unknown>>;
      expect(timeline.filter((entry) => entry.type === 'review').map((entry) => entry.status)).toEqual(['open', 'closed']);
      expect((await app.http.get('/v1/reviews?status=pending').set(bearer(merchant)).expect(400)).body.error.param).toBe('status');
    });

    it('a refund of the payment closes its review as refunded', async () => {
      const merchant = await createMerchant(app.http, 'risk reviews refund');
      const payment = await pay(merchant, card(ELEVATED));
      await app.http.post(`/v1/payments/${payment.id}/refunds`).set(bearer(merchant)).send({ amount: 500 }).expect(201);
      const [review] = await reviews(merchant);
      expect(review).toMatchObject({ payment_id: payment.id, status: 'closed', closed_reason: 'refunded' });
      await eventually(async () => ((await eventTypes(merchant, payment.id)).includes('review.closed') ? true : undefined));
      // A second refund finds no open review and changes nothing.
      await app.http.post(`/v1/payments/${payment.id}/refunds`).set(bearer(merchant)).send({ amount: 500 }).expect(201);
      expect((await reviews(merchant))[0]).toEqual(review);
    });
  });
});
