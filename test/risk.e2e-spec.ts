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

    it('request_3ds rules are accepted and listed first (the 3-D Secure hand-off is pending: they do not decide yet)', async () => {
      const merchant = await createMerchant(app.http, 'risk 3ds');
      const rule = await addRule(merchant, 'request_3ds', ':amount_in_usd: > 0');
      expect((await rules(merchant))[0].id).toBe(rule.id);
      expect((await pay(merchant)).outcome).toMatchObject({ type: 'authorized', rule: null });
    });

    it.each([
      ['predicate', { action: 'block', predicate: ':nope: > 1' }, /position 1: unknown attribute :nope:/],
      ['predicate', { action: 'block', predicate: ":amount_in_usd: > 'x'" }, /position 19: :amount_in_usd: is a number/],
      ['predicate', { action: 'block', predicate: ':risk_score: >' }, /position 15: expected a number value/],
      ['predicate', { action: 'block', predicate: `:risk_score: > 1${' or :risk_score: > 1'.repeat(60)}` }, /at most 1000/],
      ['predicate', { action: 'block', predicate: `${'('.repeat(30)}:risk_score: > 1${')'.repeat(30)}` }, /nesting deeper than 20/],
      ['predicate', { action: 'block', predicate: '' }, /must not be empty/],
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
