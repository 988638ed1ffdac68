import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { bearer, createMerchant, eventually, startTestApp, TestApp, TestMerchant } from './support/test-app';

jest.setTimeout(120_000);

const YEAR = new Date().getUTCFullYear() + 3;
const CARDS = { US: '4242424242424242', DE: '4000002760000016', IN: '4000003560000008', GB: '4000008260000000', unknown: '4111111111111111' };
const card = (number: string) => ({ type: 'card', card: { number, exp_month: 12, exp_year: YEAR } });

interface Attempt {
  connector: string;
  status: string;
  error: string | null;
  reason: string;
}

describe('connectors and routing (e2e)', () => {
  let app: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    app = await startTestApp({ CONNECTOR_HEALTH_INTERVAL_MS: '200' });
    db = app.sandbox.app.get(DataSource);
  });

  afterAll(async () => {
    await app.close();
  });

  const pay = (merchant: TestMerchant, body: Record<string, unknown>, status = 201) =>
    app.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 1000, currency: 'usd', ...body }).expect(status);
  const evaluate = (merchant: TestMerchant, body: Record<string, unknown>, status = 200) =>
    app.http.post('/v1/routing/evaluate').set(bearer(merchant)).send({ amount: 1000, currency: 'usd', ...body }).expect(status);
  const outage = (merchant: TestMerchant, id: string, body: Record<string, unknown> = { for: '5m' }) =>
    app.http.post(`/v1/connectors/${id}/outages`).set(bearer(merchant)).send(body).expect(201);
  const putRouting = (merchant: TestMerchant, body: Record<string, unknown>, status = 200) =>
    app.http.put('/v1/routing').set(bearer(merchant)).send(body).expect(status);
  const health = async (merchant: TestMerchant, id: string) => (await app.http.get(`/v1/connectors/${id}/health`).set(bearer(merchant)).expect(200)).body;
  const eventsOf = async (merchant: TestMerchant, type: string) =>
    (await app.http.get(`/v1/events?type=${type}&limit=100`).set(bearer(merchant)).expect(200)).body.data as Array<{ data: { object: Record<string, unknown> } }>;
  const connectorsOf = (attempts: Attempt[]) => attempts.map((attempt) => attempt.connector);
  const paymentCount = async (merchant: TestMerchant) => Number((await db.query('SELECT count(*) AS n FROM payments WHERE merchant_id = $1', [merchant.id]))[0].n);

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

  describe('circuit breaker', () => {
    it('opens after 5 consecutive technical failures, emits one event and is skipped', async () => {
      const merchant = await createMerchant(app.http, 'breaker');
      await outage(merchant, 'stripe_sim');
      for (let i = 0; i < 4; i++) await pay(merchant, {});
      expect((await health(merchant, 'stripe_sim')).circuit).toBe('closed');
      await pay(merchant, {});
      const open = await health(merchant, 'stripe_sim');
      expect(open).toMatchObject({ object: 'connector_health', circuit: 'open', forced: false, failures_recent: 5, calls_recent: 5, success_rate: 0, last_error: 'http_5xx', outage_active: true });
      expect(open.opened_at).toEqual(expect.any(String));
      const opened = await eventsOf(merchant, 'connector.circuit_opened');
      expect(opened).toHaveLength(1);
      expect(opened[0].data.object).toMatchObject({ connector: 'stripe_sim', circuit: 'open' });
      const skipped = await pay(merchant, {});
      expect(skipped.body).toMatchObject({ status: 'FAILED', failure_code: 'no_connector_available', attempts: [] });
      expect((await evaluate(merchant, {})).body.candidates).toContainEqual({ connector: 'stripe_sim', eligible: false, reason: 'circuit_open' });
      expect((await app.http.get('/v1/connectors/stripe_sim').set(bearer(merchant)).expect(200)).body.circuit).toBe('open');
    });

    it('opens exactly once when failures arrive concurrently', async () => {
      const merchant = await createMerchant(app.http, 'breaker-concurrent');
      await outage(merchant, 'stripe_sim');
      const results = await Promise.all(Array.from({ length: 12 }, () => pay(merchant, {})));
      expect(results.every((r) => r.body.status === 'FAILED')).toBe(true);
      expect((await health(merchant, 'stripe_sim')).circuit).toBe('open');
      expect(await eventsOf(merchant, 'connector.circuit_opened')).toHaveLength(1);
    });

    it('opens at ≥ 50 % technical failures of ≥ 10 calls in 30 s, without 5 in a row', async () => {
      const merchant = await createMerchant(app.http, 'breaker-ratio');
      for (let i = 0; i < 10; i++) {
        const failing = i % 2 === 1; // the 10th call is the 5th failure
        await app.http.patch('/v1/connectors/stripe_sim').set(bearer(merchant)).send({ profile: { technical_error_rate: failing ? 1 : 0 } }).expect(200);
        await pay(merchant, {});
        expect((await health(merchant, 'stripe_sim')).circuit).toBe(i === 9 ? 'open' : 'closed');
      }
      expect(await eventsOf(merchant, 'connector.circuit_opened')).toHaveLength(1);
    });

    it('forced open stays open until forced closed; each change emits its event once', async () => {
      const merchant = await createMerchant(app.http, 'breaker-forced');
      const forced = await app.http.post('/v1/connectors/stripe_sim/circuit').set(bearer(merchant)).send({ state: 'open' }).expect(200);
      expect(forced.body).toMatchObject({ circuit: 'open', forced: true });
      await app.http.post('/v1/connectors/stripe_sim/circuit').set(bearer(merchant)).send({ state: 'open' }).expect(200);
      expect((await pay(merchant, {})).body).toMatchObject({ failure_code: 'no_connector_available' });
      expect(await eventsOf(merchant, 'connector.circuit_opened')).toHaveLength(1);
      const closed = await app.http.post('/v1/connectors/stripe_sim/circuit').set(bearer(merchant)).send({ state: 'closed' }).expect(200);
      expect(closed.body).toMatchObject({ circuit: 'closed', forced: false });
      expect(await eventsOf(merchant, 'connector.circuit_closed')).toHaveLength(1);
      expect((await pay(merchant, {})).body).toMatchObject({ status: 'CAPTURED', connector: 'stripe_sim' });
    });
  });

  describe('circuit breaker on the merchant clock', () => {
    const advance = (merchant: TestMerchant, by: string) => app.http.post('/v1/test-clock/advance').set(bearer(merchant)).send({ by }).expect(200);

    async function openStripe(merchant: TestMerchant, outageFor: string): Promise<void> {
      await outage(merchant, 'stripe_sim', { for: outageFor });
      for (let i = 0; i < 5; i++) await pay(merchant, {});
      expect((await health(merchant, 'stripe_sim')).circuit).toBe('open');
    }

    it('half-opens after advancing the clock 30 s; one probe at a time; a good probe closes it', async () => {
      const merchant = await createMerchant(app.http, 'breaker-half-open');
      // Frozen: only advance moves the merchant's time, so 29 s is 29 s however slow the machine.
      await app.http.post('/v1/test-clock/freeze').set(bearer(merchant)).expect(200);
      await openStripe(merchant, '20s');
      await advance(merchant, '29s');
      expect((await health(merchant, 'stripe_sim')).circuit).toBe('open');
      await advance(merchant, '1s');
      expect((await health(merchant, 'stripe_sim')).circuit).toBe('half_open');
      expect((await evaluate(merchant, {})).body.order).toEqual(['stripe_sim']);
      // The probe takes its time: the requests that arrive meanwhile skip the connector.
      await app.http.patch('/v1/connectors/stripe_sim').set(bearer(merchant)).send({ profile: { latency_ms: { p50: 300, p99: 300 } } }).expect(200);
      const burst = await Promise.all(Array.from({ length: 6 }, () => pay(merchant, {})));
      const probes = burst.filter((r) => r.body.attempts.length > 0);
      expect(probes).toHaveLength(1);
      expect(probes[0].body).toMatchObject({ status: 'CAPTURED', connector: 'stripe_sim', attempts: [{ connector: 'stripe_sim', status: 'succeeded' }] });
      for (const skipped of burst.filter((r) => r.body.attempts.length === 0)) expect(skipped.body.failure_code).toBe('no_connector_available');
      expect((await health(merchant, 'stripe_sim')).circuit).toBe('closed');
      expect(await eventsOf(merchant, 'connector.circuit_closed')).toHaveLength(1);
      expect(await eventsOf(merchant, 'connector.circuit_opened')).toHaveLength(1);
      expect((await pay(merchant, {})).body).toMatchObject({ status: 'CAPTURED', connector: 'stripe_sim' });
    });

    it('a failed probe opens it again for another 30 s', async () => {
      const merchant = await createMerchant(app.http, 'breaker-bad-probe');
      await openStripe(merchant, '10m');
      await advance(merchant, '30s');
      const probe = await pay(merchant, {});
      expect(probe.body).toMatchObject({ status: 'FAILED', failure_code: 'processing_error', attempts: [{ connector: 'stripe_sim', status: 'failed' }] });
      expect((await health(merchant, 'stripe_sim')).circuit).toBe('open');
      expect(await eventsOf(merchant, 'connector.circuit_opened')).toHaveLength(2);
      expect((await pay(merchant, {})).body.attempts).toEqual([]);
    });

    it('a forced-open circuit does not half-open when the clock moves', async () => {
      const merchant = await createMerchant(app.http, 'breaker-forced-clock');
      await app.http.post('/v1/connectors/stripe_sim/circuit').set(bearer(merchant)).send({ state: 'open' }).expect(200);
      await advance(merchant, '1h');
      expect((await health(merchant, 'stripe_sim')).circuit).toBe('open');
      expect((await pay(merchant, {})).body.failure_code).toBe('no_connector_available');
    });

    it('an outage ends on the merchant clock', async () => {
      const merchant = await createMerchant(app.http, 'outage-clock');
      await outage(merchant, 'adyen_sim', { for: '5m' });
      const during = await pay(merchant, { currency: 'eur', payment_method: card(CARDS.DE) });
      expect(connectorsOf(during.body.attempts)).toEqual(['adyen_sim', 'stripe_sim']);
      await advance(merchant, '5m');
      const after = await pay(merchant, { currency: 'eur', payment_method: card(CARDS.DE) });
      expect(after.body).toMatchObject({ connector: 'adyen_sim', attempts: [{ connector: 'adyen_sim', status: 'succeeded' }] });
    });
  });

  describe('health job', () => {
    it("the worker's periodic job stores each connector's recent failures and success rate", async () => {
      const merchant = await createMerchant(app.http, 'health-job');
      await outage(merchant, 'adyen_sim');
      await pay(merchant, { currency: 'eur', payment_method: card(CARDS.DE) });
      await pay(merchant, { currency: 'eur', payment_method: card(CARDS.DE) });
      const stored = await eventually(async () => {
        const [row] = await db.query(
          `SELECT health_failures_recent AS failures, health_success_rate AS rate, health_checked_at AS checked FROM connectors
            WHERE merchant_id = $1 AND id = 'adyen_sim'`,
          [merchant.id],
        );
        return row?.failures === 2 ? row : undefined;
      });
      expect(stored.rate).toBe(0);
      const view = await health(merchant, 'adyen_sim');
      expect(view).toMatchObject({ circuit: 'closed', failures_recent: 2, calls_recent: 2, success_rate: 0, last_error: 'http_5xx', outage_active: true });
      expect(Date.parse(view.checked_at)).not.toBeNaN();
      const stripe = await health(merchant, 'stripe_sim');
      expect(stripe).toMatchObject({ failures_recent: 0, calls_recent: 2, success_rate: 1, last_error: null, outage_active: false });
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
