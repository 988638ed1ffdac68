import { DataSource } from 'typeorm';
import { card, CARDS, routingClient } from './support/routing-client';
import { bearer, createMerchant, startTestApp, TestApp, TestMerchant } from './support/test-app';

jest.setTimeout(120_000);

describe('connectors (e2e): per-merchant copies, custom connectors, bad input', () => {
  let app: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    app = await startTestApp({ CONNECTOR_HEALTH_INTERVAL_MS: '200' });
    db = app.sandbox.app.get(DataSource);
  });

  afterAll(async () => {
    await app.close();
  });

  const { pay, evaluate, outage, putRouting, paymentCount } = routingClient(() => app);

  describe('connectors', () => {
    it('every merchant has its own copy of the five built-ins, with defaults', async () => {
      const merchant = await createMerchant(app.http, 'connectors-list');
      const list = await app.http.get('/v1/connectors').set(bearer(merchant)).expect(200);
      expect(list.body.data.map((c: { id: string }) => c.id)).toEqual(['stripe_sim', 'adyen_sim', 'razorpay_sim', 'mpesa_sim', 'paystack_sim']);
      const razorpay = await app.http.get('/v1/connectors/razorpay_sim').set(bearer(merchant)).expect(200);
      expect(razorpay.body).toMatchObject({
        object: 'connector', id: 'razorpay_sim', custom: false, methods: ['card', 'upi'], currencies: ['INR'], countries: ['IN'],
        enabled: true, outage: null, circuit: 'closed',
        profile: { latency_ms: { p50: 0, p99: 0 }, technical_error_rate: 0, technical_error: 'timeout', decline_rate: 0 },
      });
    });

    it("one merchant's outage and settings never touch another's", async () => {
      const a = await createMerchant(app.http, 'iso-a');
      const b = await createMerchant(app.http, 'iso-b');
      await outage(a, 'stripe_sim');
      await app.http.patch('/v1/connectors/adyen_sim').set(bearer(a)).send({ enabled: false }).expect(200);
      expect((await app.http.get('/v1/connectors/stripe_sim').set(bearer(b)).expect(200)).body.outage).toBeNull();
      expect((await app.http.get('/v1/connectors/adyen_sim').set(bearer(b)).expect(200)).body.enabled).toBe(true);
      expect((await pay(b, {})).body).toMatchObject({ status: 'CAPTURED', connector: 'stripe_sim' });
      expect((await pay(a, {})).body).toMatchObject({ status: 'FAILED', failure_code: 'processing_error' });
    });

    it('custom connectors: create (idempotent), route to them; another merchant gets 404', async () => {
      const merchant = await createMerchant(app.http, 'custom');
      const other = await createMerchant(app.http, 'custom-other');
      const body = { id: 'acme_bank', methods: ['card'], currencies: ['usd'], countries: ['us'], profile: { latency_ms: { p50: 5, p99: 20 } } };
      const created = await app.http.post('/v1/connectors').set(bearer(merchant)).set('Idempotency-Key', 'acme-1').send(body).expect(201);
      expect(created.body).toMatchObject({ id: 'acme_bank', custom: true, currencies: ['USD'], countries: ['US'], profile: { latency_ms: { p50: 5, p99: 20 } } });
      const replay = await app.http.post('/v1/connectors').set(bearer(merchant)).set('Idempotency-Key', 'acme-1').send(body).expect(201);
      expect(replay.body).toEqual(created.body);
      await app.http.post('/v1/connectors').set(bearer(merchant)).send(body).expect(400);
      await app.http.get('/v1/connectors/acme_bank').set(bearer(other)).expect(404);
      await app.http.patch('/v1/connectors/acme_bank').set(bearer(other)).send({ enabled: false }).expect(404);
      await putRouting(other, { rules: [], default: ['acme_bank'] }, 400);
      await putRouting(merchant, { rules: [{ if: { currency: ['USD'] }, then: { type: 'priority', connectors: ['acme_bank'] } }], default: ['stripe_sim'] });
      const payment = await pay(merchant, {});
      expect(payment.body).toMatchObject({ status: 'CAPTURED', connector: 'acme_bank', attempts: [{ connector: 'acme_bank', reason: 'rule' }] });
      expect(payment.body.attempts[0].latency_ms).toBeGreaterThan(0);
    });
  });
  describe('bad input: 400 with param, nothing changed', () => {
    let merchant: TestMerchant;
    beforeAll(async () => {
      merchant = await createMerchant(app.http, 'bad-input');
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['unknown connector in default', { rules: [], default: ['nope_sim'] }, 'default.0'],
      ['unknown connector in a rule', { rules: [{ if: {}, then: { type: 'priority', connectors: ['stripe_sim', 'x'] } }], default: ['stripe_sim'] }, 'rules.0.then.connectors.1'],
      ['splits not summing to 100', { rules: [{ if: {}, then: { type: 'volume_split', splits: [{ connector: 'stripe_sim', percent: 60 }, { connector: 'adyen_sim', percent: 30 }] } }], default: ['stripe_sim'] }, 'rules.0.then.splits'],
      ['empty default', { rules: [], default: [] }, 'default'],
      ['empty priority list', { rules: [{ if: {}, then: { type: 'priority', connectors: [] } }], default: ['stripe_sim'] }, 'rules.0.then.connectors'],
      ['bad country', { rules: [{ if: { country: ['XX'] }, then: { type: 'priority', connectors: ['stripe_sim'] } }], default: ['stripe_sim'] }, 'rules.0.if.country'],
      ['max_attempts 6', { rules: [], default: ['stripe_sim'], max_attempts: 6 }, 'max_attempts'],
      ['unknown field', { rules: [], default: ['stripe_sim'], extra: 1 }, 'extra'],
    ])('PUT /v1/routing: %s → param %s', async (_name, body, param) => {
      const before = (await app.http.get('/v1/routing').set(bearer(merchant)).expect(200)).body;
      const response = await putRouting(merchant, body, 400);
      expect(response.body.error.param).toBe(param);
      expect((await app.http.get('/v1/routing').set(bearer(merchant)).expect(200)).body).toEqual(before);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['negative rate', { profile: { technical_error_rate: -0.1 } }, 'profile.technical_error_rate'],
      ['rate above 1', { profile: { decline_rate: 1.5 } }, 'profile.decline_rate'],
      ['p99 < p50', { profile: { latency_ms: { p50: 100, p99: 50 } } }, 'profile.latency_ms.p99'],
      ['unknown technical_error', { profile: { technical_error: 'boom' } }, 'profile.technical_error'],
      ['unknown field', { colour: 'red' }, 'colour'],
    ])('PATCH /v1/connectors/:id: %s → param %s', async (_name, body, param) => {
      const before = (await app.http.get('/v1/connectors/adyen_sim').set(bearer(merchant)).expect(200)).body;
      const response = await app.http.patch('/v1/connectors/adyen_sim').set(bearer(merchant)).send(body).expect(400);
      expect(response.body.error.param).toBe(param);
      expect((await app.http.get('/v1/connectors/adyen_sim').set(bearer(merchant)).expect(200)).body).toEqual(before);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['a past until', { until: '2000-01-01T00:00:00Z' }, 'until'],
      ['neither for nor until', { mode: 'timeout' }, 'for'],
      ['both', { for: '5m', until: '2999-01-01T00:00:00Z' }, 'until'],
      ['a bad duration', { for: 'soon' }, 'for'],
      ['a bad mode', { for: '5m', mode: 'meltdown' }, 'mode'],
    ])('POST outages: %s → param %s', async (_name, body, param) => {
      const response = await app.http.post('/v1/connectors/stripe_sim/outages').set(bearer(merchant)).send(body).expect(400);
      expect(response.body.error.param).toBe(param);
      expect((await app.http.get('/v1/connectors/stripe_sim').set(bearer(merchant)).expect(200)).body.outage).toBeNull();
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['an IP that is not an IP', { customer_ip: '999.1.1.1' }, 'customer_ip'],
      ['a country that is not ISO alpha-2', { customer_country: 'XX' }, 'customer_country'],
      ['a three-letter country', { customer_country: 'DEU' }, 'customer_country'],
    ])('create and evaluate: %s → param %s, no payment', async (_name, body, param) => {
      const before = await paymentCount(merchant);
      expect((await pay(merchant, body, 400)).body.error.param).toBe(param);
      expect((await evaluate(merchant, body, 400)).body.error.param).toBe(param);
      expect(await paymentCount(merchant)).toBe(before);
    });

    it('custom connector: built-in id, bad currency, bad country, bad method', async () => {
      const post = (body: Record<string, unknown>) => app.http.post('/v1/connectors').set(bearer(merchant)).send({ methods: ['card'], ...body }).expect(400);
      expect((await post({ id: 'stripe_sim' })).body.error.param).toBe('id');
      expect((await post({ id: 'x1', currencies: ['ABC'] })).body.error.param).toBe('currencies.0');
      expect((await post({ id: 'x1', countries: ['ZZ'] })).body.error.param).toBe('countries');
      expect((await post({ id: 'x1', methods: ['cash'] })).body.error.param).toBe('methods');
      await app.http.get('/v1/connectors/x1').set(bearer(merchant)).expect(404);
    });

    it('evaluate writes nothing', async () => {
      const before = await db.query(
        `SELECT (SELECT count(*) FROM payments WHERE merchant_id = $1) AS p, (SELECT count(*) FROM events WHERE merchant_id = $1) AS e,
                (SELECT count(*) FROM payment_attempts WHERE merchant_id = $1) AS a, (SELECT count(*) FROM connectors WHERE merchant_id = $1) AS c`,
        [merchant.id],
      );
      await evaluate(merchant, { currency: 'eur', payment_method: card(CARDS.DE) });
      const after = await db.query(
        `SELECT (SELECT count(*) FROM payments WHERE merchant_id = $1) AS p, (SELECT count(*) FROM events WHERE merchant_id = $1) AS e,
                (SELECT count(*) FROM payment_attempts WHERE merchant_id = $1) AS a, (SELECT count(*) FROM connectors WHERE merchant_id = $1) AS c`,
        [merchant.id],
      );
      expect(after).toEqual(before);
    });
  });
});
