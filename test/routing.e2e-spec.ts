import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { Attempt, card, CARDS, connectorsOf, routingClient } from './support/routing-client';
import { bearer, createMerchant, startTestApp, TestApp, TestMerchant } from './support/test-app';

jest.setTimeout(120_000);

describe('routing and fallback (e2e)', () => {
  let app: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    app = await startTestApp({ CONNECTOR_HEALTH_INTERVAL_MS: '200' });
    db = app.sandbox.app.get(DataSource);
  });

  afterAll(async () => {
    await app.close();
  });

  const { pay, evaluate, outage, putRouting, eventsOf, paymentCount } = routingClient(() => app);

  describe('routing by country and currency', () => {
    let merchant: TestMerchant;
    beforeAll(async () => {
      merchant = await createMerchant(app.http, 'routing-default');
    });

    it('the default routing is documented and regional first', async () => {
      const routing = await app.http.get('/v1/routing').set(bearer(merchant)).expect(200);
      expect(routing.body).toEqual({ object: 'routing', rules: [], default: ['razorpay_sim', 'mpesa_sim', 'paystack_sim', 'adyen_sim', 'stripe_sim'], max_attempts: 3 });
    });

    it.each([
      ['USD, default (US) card', { currency: 'usd' }, 'stripe_sim', 'US', 'card'],
      ['INR, Indian card', { currency: 'inr', payment_method: card(CARDS.IN) }, 'razorpay_sim', 'IN', 'card'],
      ['EUR, German card', { currency: 'eur', payment_method: card(CARDS.DE) }, 'adyen_sim', 'DE', 'card'],
      ['EUR, US card', { currency: 'eur' }, 'stripe_sim', 'US', 'card'],
      ['KES card from Kenya (explicit)', { currency: 'kes', customer_country: 'ke' }, 'paystack_sim', 'KE', 'explicit'],
      ['INR from an Indian IP', { currency: 'inr', customer_ip: '49.44.0.1' }, 'razorpay_sim', 'IN', 'ip'],
      ['GBP from an Irish IPv6', { currency: 'gbp', customer_ip: '2a00:1450:4001:81b::200e' }, 'adyen_sim', 'IE', 'ip'],
      ['EUR, unknown card, private IP: country unknown', { currency: 'eur', payment_method: card(CARDS.unknown), customer_ip: '10.0.0.1' }, 'adyen_sim', null, null],
    ])('%s → %s', async (_name, body, connector, country, source) => {
      const response = await pay(merchant, body);
      expect(response.body).toMatchObject({ status: 'CAPTURED', connector, payer_country: country, payer_country_source: source });
      expect(response.body.attempts).toEqual([expect.objectContaining({ connector, status: 'succeeded', reason: 'default' })]);
      const fetched = await app.http.get(`/v1/payments/${response.body.id}`).set(bearer(merchant)).expect(200);
      expect(fetched.body).toEqual(response.body);
    });

    it('a rule by currency and by country picks its connector; evaluate explains it', async () => {
      const m = await createMerchant(app.http, 'routing-rules');
      await putRouting(m, {
        rules: [
          { if: { country: ['GB'] }, then: { type: 'priority', connectors: ['stripe_sim', 'adyen_sim'] } },
          { if: { currency: ['EUR'] }, then: { type: 'priority', connectors: ['adyen_sim', 'stripe_sim'] } },
        ],
        default: ['stripe_sim'],
      });
      expect((await pay(m, { currency: 'gbp', payment_method: card(CARDS.GB) })).body).toMatchObject({ connector: 'stripe_sim', attempts: [{ reason: 'rule' }] });
      expect((await pay(m, { currency: 'eur', payment_method: card(CARDS.DE) })).body).toMatchObject({ connector: 'adyen_sim', attempts: [{ reason: 'rule' }] });
      expect((await pay(m, { currency: 'usd' })).body).toMatchObject({ connector: 'stripe_sim', attempts: [{ reason: 'default' }] });
      const trace = await evaluate(m, { currency: 'eur' });
      expect(trace.body).toEqual({
        object: 'routing_evaluation', rule: 1, payer_country: 'US', payer_country_source: 'card', order: ['stripe_sim'],
        candidates: [{ connector: 'adyen_sim', eligible: false, reason: 'country_unsupported' }, { connector: 'stripe_sim', eligible: true }],
      });
    });

    it('connector on create forces one; 400 when it cannot take the payment', async () => {
      const forced = await pay(merchant, { currency: 'eur', payment_method: card(CARDS.DE), connector: 'stripe_sim' });
      expect(forced.body).toMatchObject({ connector: 'stripe_sim', attempts: [{ connector: 'stripe_sim', reason: 'forced' }] });
      const before = await paymentCount(merchant);
      const refused = await pay(merchant, { currency: 'usd', connector: 'razorpay_sim' }, 400);
      expect(refused.body.error).toMatchObject({ code: 'parameter_invalid', param: 'connector' });
      expect((await pay(merchant, { connector: 'nope_sim' }, 400)).body.error.param).toBe('connector');
      expect(await paymentCount(merchant)).toBe(before);
    });
  });
  describe('volume split', () => {
    it('create follows the deterministic split that evaluate shows for the same payment id', async () => {
      const merchant = await createMerchant(app.http, 'split');
      await putRouting(merchant, {
        rules: [{ if: { currency: ['USD'] }, then: { type: 'volume_split', splits: [{ connector: 'adyen_sim', percent: 50 }, { connector: 'stripe_sim', percent: 50 }] } }],
        default: ['stripe_sim'],
      });
      const seen: Record<string, number> = {};
      for (let i = 0; i < 30; i++) {
        const created = await pay(merchant, { payment_method: card(CARDS.unknown) });
        expect(created.body.attempts[0].reason).toBe('volume_split');
        const again = await evaluate(merchant, { payment_method: card(CARDS.unknown), payment_id: created.body.id });
        expect(again.body.order[0]).toBe(created.body.connector);
        expect((await evaluate(merchant, { payment_method: card(CARDS.unknown), payment_id: created.body.id })).body).toEqual(again.body);
        seen[created.body.connector] = (seen[created.body.connector] ?? 0) + 1;
      }
      expect(Object.keys(seen).sort()).toEqual(['adyen_sim', 'stripe_sim']);
    });
  });
  describe('fallback', () => {
    it('an outage on the first connector: the payment succeeds on the second, with two attempts and an attempt_failed event', async () => {
      const merchant = await createMerchant(app.http, 'fallback');
      await outage(merchant, 'adyen_sim', { for: '10m', mode: 'timeout' });
      const response = await pay(merchant, { currency: 'eur', payment_method: card(CARDS.DE) });
      expect(response.body).toMatchObject({ status: 'CAPTURED', connector: 'stripe_sim' });
      expect(response.body.attempts).toEqual([
        expect.objectContaining({ id: expect.stringMatching(/^att_/), connector: 'adyen_sim', status: 'failed', error: 'timeout', reason: 'default' }),
        expect.objectContaining({ connector: 'stripe_sim', status: 'succeeded', error: null, reason: 'fallback' }),
      ]);
      const types = (await app.http.get(`/v1/events?payment_id=${response.body.id}`).set(bearer(merchant)).expect(200)).body.data.map((e: { type: string }) => e.type);
      expect(types.reverse()).toEqual(['payment.created', 'payment.attempt_failed', 'payment.authorized', 'payment.captured']);
      const rows = await db.query('SELECT connector_id, status, reason FROM payment_attempts WHERE payment_id = $1 ORDER BY seq', [response.body.id]);
      expect(rows).toEqual([
        { connector_id: 'adyen_sim', status: 'failed', reason: 'default' },
        { connector_id: 'stripe_sim', status: 'succeeded', reason: 'fallback' },
      ]);
    });

    it('a decline does not cascade (card decline and the profile decline rate)', async () => {
      const merchant = await createMerchant(app.http, 'decline');
      const declined = await pay(merchant, { currency: 'eur', payment_method: card(CARDS.DE), simulate: 'insufficient_funds' });
      expect(declined.body).toMatchObject({ status: 'FAILED', failure_code: 'insufficient_funds', connector: 'adyen_sim' });
      expect(declined.body.attempts).toEqual([expect.objectContaining({ connector: 'adyen_sim', status: 'declined', error: 'insufficient_funds' })]);
      await app.http.patch('/v1/connectors/adyen_sim').set(bearer(merchant)).send({ profile: { decline_rate: 1 } }).expect(200);
      const byRate = await pay(merchant, { currency: 'eur', payment_method: card(CARDS.DE) });
      expect(byRate.body).toMatchObject({ status: 'FAILED', failure_code: 'card_declined', attempts: [{ connector: 'adyen_sim', status: 'declined' }] });
    });

    it('every eligible connector failing technically → processing_error; nothing eligible → no_connector_available', async () => {
      const merchant = await createMerchant(app.http, 'all-down');
      await outage(merchant, 'adyen_sim');
      await app.http.patch('/v1/connectors/stripe_sim').set(bearer(merchant)).send({ profile: { technical_error_rate: 1, technical_error: 'http_5xx' } }).expect(200);
      const failed = await pay(merchant, { currency: 'eur', payment_method: card(CARDS.DE) });
      expect(failed.body).toMatchObject({ status: 'FAILED', failure_code: 'processing_error', connector: null });
      expect(failed.body.attempts.map((a: Attempt) => [a.connector, a.status, a.error])).toEqual([
        ['adyen_sim', 'failed', 'http_5xx'],
        ['stripe_sim', 'failed', 'http_5xx'],
      ]);
      expect(await eventsOf(merchant, 'payment.attempt_failed')).toHaveLength(2);

      for (const id of ['stripe_sim', 'adyen_sim']) await app.http.patch(`/v1/connectors/${id}`).set(bearer(merchant)).send({ enabled: false }).expect(200);
      const none = await pay(merchant, { currency: 'eur', payment_method: card(CARDS.DE) });
      expect(none.body).toMatchObject({ status: 'FAILED', failure_code: 'no_connector_available', connector: null, attempts: [] });
      expect(none.body.failure_message).toMatch(/connector/);
    });

    it('max_attempts bounds the fallback', async () => {
      const merchant = await createMerchant(app.http, 'max-attempts');
      await putRouting(merchant, { rules: [], default: ['adyen_sim', 'stripe_sim'], max_attempts: 1 });
      await outage(merchant, 'adyen_sim');
      const response = await pay(merchant, { currency: 'eur', payment_method: card(CARDS.DE) });
      expect(response.body).toMatchObject({ status: 'FAILED', failure_code: 'processing_error', attempts: [{ connector: 'adyen_sim', status: 'failed' }] });
    });
  });
  describe('latency', () => {
    it('a call waits its simulated latency without holding a database connection', async () => {
      const merchant = await createMerchant(app.http, 'latency');
      await app.http.patch('/v1/connectors/stripe_sim').set(bearer(merchant)).send({ profile: { latency_ms: { p50: 1500, p99: 1500 } } }).expect(200);
      // More payments than the pool has connections (10 full, 1 embedded): were a connection held
      // during the wait, the reads below would queue behind the payments until one finished.
      let settled = 0;
      const slow = Array.from({ length: 12 }, () => pay(merchant, {}).then((response) => ((settled += 1), response)));
      for (let i = 0; i < 5; i++) await app.http.get('/v1/connectors/stripe_sim').set(bearer(merchant)).expect(200);
      expect(settled).toBe(0);
      for (const response of await Promise.all(slow)) {
        expect(response.body).toMatchObject({ status: 'CAPTURED', attempts: [{ connector: 'stripe_sim', latency_ms: 1500 }] });
      }
    });
  });

  describe('evaluate matches create (property)', () => {
    const ids = ['stripe_sim', 'adyen_sim', 'razorpay_sim', 'paystack_sim'];
    const connectorList = fc.uniqueArray(fc.constantFrom(...ids), { minLength: 1, maxLength: 4 });
    const rule = fc.record({
      if: fc.record({ currency: fc.constantFrom(['USD'], ['EUR'], ['INR', 'KES']), country: fc.constantFrom(['US'], ['DE', 'IN'], ['KE']) }, { requiredKeys: [] }),
      then: fc.oneof(
        connectorList.map((connectors) => ({ type: 'priority', connectors })),
        fc.constant({ type: 'volume_split', splits: [{ connector: 'adyen_sim', percent: 40 }, { connector: 'stripe_sim', percent: 60 }] }),
      ),
    });
    const config = fc.record({ rules: fc.array(rule, { maxLength: 3 }), default: connectorList, max_attempts: fc.integer({ min: 1, max: 5 }) });
    const payment = fc.record({
      currency: fc.constantFrom('usd', 'eur', 'inr', 'kes'),
      payment_method: fc.constantFrom(...Object.values(CARDS)).map(card),
      customer_country: fc.option(fc.constantFrom('US', 'DE', 'IN', 'KE', 'BR'), { nil: undefined }),
    });

    it('create calls exactly the connectors evaluate lists (all down) or the first of them', async () => {
      const merchant = await createMerchant(app.http, 'property');
      await fc.assert(
        fc.asyncProperty(config, payment, fc.boolean(), async (routing, body, allDown) => {
          await putRouting(merchant, routing);
          for (const id of ids) {
            const path = `/v1/connectors/${id}/outages`;
            if (allDown) await app.http.post(path).set(bearer(merchant)).send({ for: '1h' }).expect(201);
            else await app.http.delete(path).set(bearer(merchant)).expect(200);
            await app.http.post(`/v1/connectors/${id}/circuit`).set(bearer(merchant)).send({ state: 'closed' }).expect(200);
          }
          const clean = JSON.parse(JSON.stringify(body));
          const created = (await pay(merchant, clean)).body;
          const trace = (await evaluate(merchant, { ...clean, payment_id: created.id })).body;
          const called = connectorsOf(created.attempts);
          if (trace.order.length === 0) {
            expect(created).toMatchObject({ failure_code: 'no_connector_available', attempts: [] });
          } else if (allDown) {
            expect(called).toEqual(trace.order);
            expect(created.failure_code).toBe('processing_error');
          } else {
            expect(called).toEqual([trace.order[0]]);
            expect(created.connector).toBe(trace.order[0]);
          }
          expect(created.attempts[0]?.reason ?? null).toBe(trace.order.length === 0 ? null : trace.rule === null ? 'default' : created.attempts[0].reason);
        }),
        { numRuns: 25 },
      );
    });
  });
});
