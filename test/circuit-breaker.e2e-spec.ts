import { DataSource } from 'typeorm';
import { card, CARDS, connectorsOf, routingClient } from './support/routing-client';
import { bearer, createMerchant, eventually, startTestApp, TestApp, TestMerchant } from './support/test-app';

jest.setTimeout(120_000);

describe('circuit breaker and health (e2e)', () => {
  let app: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    app = await startTestApp({ CONNECTOR_HEALTH_INTERVAL_MS: '200' });
    db = app.sandbox.app.get(DataSource);
  });

  afterAll(async () => {
    await app.close();
  });

  const { pay, evaluate, outage, health, eventsOf } = routingClient(() => app);

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
});
