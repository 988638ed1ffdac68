import { card, CARDS, routingClient } from './support/routing-client';
import { bearer, createMerchant, startTestApp, TestApp, TestMerchant } from './support/test-app';

jest.setTimeout(60_000);

interface AuditEntry {
  kind: string;
  action: string;
  object_id: string | null;
  actor: { api_key_id: string | null; ip: string | null; user_agent: string | null };
  details: Record<string, unknown>;
}

/** The value of one sample line of the Prometheus text (`name{labels} value`), 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = (match[2] ?? '').split(',').filter(Boolean);
    if (present.length === wanted.length && wanted.every((label) => present.includes(label))) return Number(match[3]);
  }
  return 0;
}

/** Audit of routing, connector and clock changes; connector attempts on the timeline; connector metrics. */
describe('configuration audit, attempt timeline and connector metrics (e2e)', () => {
  let app: TestApp;
  const merchants: TestMerchant[] = [];
  const { pay, outage, putRouting, patchConnector } = routingClient(() => app);

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    for (const merchant of merchants) await app.http.delete('/v1/merchants/me').set(bearer(merchant));
    await app.close();
  });

  const merchantNamed = async (name: string) => {
    const merchant = await createMerchant(app.http, name);
    merchants.push(merchant);
    return merchant;
  };
  const auditOf = async (merchant: TestMerchant, kind: string): Promise<AuditEntry[]> =>
    (await app.http.get(`/v1/audit-logs?kind=${kind}&limit=100`).set(bearer(merchant)).expect(200)).body.data;
  const actorOf = (merchant: TestMerchant) => ({ api_key_id: merchant.apiKeyId, ip: expect.stringMatching(/127\.0\.0\.1|::1/) });

  describe('audit log', () => {
    it('records a routing change with actor and IP; a rejected one (400) records nothing', async () => {
      const merchant = await merchantNamed('audit routing');
      await putRouting(merchant, { rules: [], default: ['stripe_sim', 'adyen_sim'], max_attempts: 2 });
      await putRouting(merchant, { rules: [], default: ['no_such_connector'] }, 400);
      await putRouting(merchant, { rules: [], default: [] }, 400);
      const entries = await auditOf(merchant, 'routing');
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ kind: 'routing', action: 'updated', actor: actorOf(merchant), details: { default: ['stripe_sim', 'adyen_sim'], max_attempts: 2 } });
    });

    it('records connector create, PATCH, outage start and end and a forced circuit; rejected changes record nothing', async () => {
      const merchant = await merchantNamed('audit connectors');
      const post = (body: Record<string, unknown>, status: number) => app.http.post('/v1/connectors').set(bearer(merchant)).send(body).expect(status);
      await post({ id: 'acme_bank', methods: ['card'], currencies: ['USD'] }, 201);
      await post({ id: 'acme_bank', methods: ['card'] }, 400); // taken
      await post({ id: 'bad_cur', methods: ['card'], currencies: ['ABC'] }, 400);
      await patchConnector(merchant, 'acme_bank', { enabled: false });
      await patchConnector(merchant, 'acme_bank', { profile: { latency_ms: { p50: 50, p99: 10 } } }, 400);
      await outage(merchant, 'acme_bank', { for: '5m', mode: 'timeout' });
      await app.http.post('/v1/connectors/acme_bank/outages').set(bearer(merchant)).send({ until: '2000-01-01T00:00:00Z' }).expect(400);
      await app.http.delete('/v1/connectors/acme_bank/outages').set(bearer(merchant)).expect(200);
      await app.http.post('/v1/connectors/stripe_sim/circuit').set(bearer(merchant)).send({ state: 'open' }).expect(200);
      await app.http.post('/v1/connectors/stripe_sim/circuit').set(bearer(merchant)).send({ state: 'ajar' }).expect(400);

      const entries = (await auditOf(merchant, 'connector')).reverse(); // oldest first
      expect(entries.map((entry) => [entry.action, entry.object_id])).toEqual([
        ['created', 'acme_bank'],
        ['updated', 'acme_bank'],
        ['outage_started', 'acme_bank'],
        ['outage_ended', 'acme_bank'],
        ['circuit_forced', 'stripe_sim'],
      ]);
      for (const entry of entries) expect(entry.actor).toMatchObject(actorOf(merchant));
      expect(entries[1].details).toMatchObject({ changed: ['enabled'], enabled: false });
      expect(entries[2].details).toMatchObject({ mode: 'timeout', until: expect.any(String) });
      expect(entries[4].details).toEqual({ state: 'open' });
    });

    it('records clock advance, freeze and unfreeze; a backwards advance records nothing', async () => {
      const merchant = await merchantNamed('audit clock');
      const clock = (path: string, body: object, status = 200) => app.http.post(`/v1/test-clock/${path}`).set(bearer(merchant)).send(body).expect(status);
      await clock('freeze', {});
      const advanced = await clock('advance', { by: '1d' });
      await clock('advance', { to: '2000-01-01T00:00:00Z' }, 400);
      await clock('advance', { by: 'soon' }, 400);
      await clock('unfreeze', {});
      const entries = (await auditOf(merchant, 'clock')).reverse();
      expect(entries.map((entry) => entry.action)).toEqual(['frozen', 'advanced', 'unfrozen']);
      for (const entry of entries) expect(entry.actor).toMatchObject(actorOf(merchant));
      expect(entries[1].details).toMatchObject({ to: advanced.body.now, frozen: true });
      expect(Date.parse(entries[1].details.to as string) - Date.parse(entries[1].details.from as string)).toBe(86_400_000);
    });

    it("keeps each merchant's entries to itself", async () => {
      const merchant = await merchantNamed('audit isolation');
      expect(await auditOf(merchant, 'routing')).toEqual([]);
      expect(await auditOf(merchant, 'connector')).toEqual([]);
      expect(await auditOf(merchant, 'clock')).toEqual([]);
    });
  });

  describe('timeline', () => {
    it('shows both attempts of a payment that fell back, in call order, with connector, status, error, latency and reason', async () => {
      const merchant = await merchantNamed('timeline fallback');
      await outage(merchant, 'adyen_sim', { for: '10m', mode: 'timeout' });
      const payment = await pay(merchant, { currency: 'eur', payment_method: card(CARDS.DE) });
      expect(payment.body.connector).toBe('stripe_sim');
      const data: Array<Record<string, unknown>> = (await app.http.get(`/v1/payments/${payment.body.id}/timeline`).set(bearer(merchant)).expect(200)).body.data;
      const attempts = data.filter((entry) => entry.type === 'attempt');
      expect(attempts).toEqual([
        { type: 'attempt', at: expect.any(String), id: payment.body.attempts[0].id, connector: 'adyen_sim', status: 'failed', error: 'timeout', latency_ms: expect.any(Number), reason: 'default' },
        { type: 'attempt', at: expect.any(String), id: payment.body.attempts[1].id, connector: 'stripe_sim', status: 'succeeded', error: null, latency_ms: expect.any(Number), reason: 'fallback' },
      ]);
      const times = data.map((entry) => Date.parse(entry.at as string));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      // The attempts come after the payment was created and before it was authorized.
      const index = (predicate: (entry: Record<string, unknown>) => boolean) => data.findIndex(predicate);
      expect(index((entry) => entry.type === 'transition' && entry.to === 'CREATED')).toBeLessThan(index((entry) => entry.type === 'attempt'));
      expect(index((entry) => entry.connector === 'stripe_sim')).toBeLessThan(index((entry) => entry.type === 'event' && entry.event_type === 'payment.authorized'));
    });

    it('a payment that reached no connector has no attempt entries', async () => {
      const merchant = await merchantNamed('timeline none');
      await putRouting(merchant, { rules: [], default: ['stripe_sim'] });
      await app.http.post('/v1/connectors/stripe_sim/circuit').set(bearer(merchant)).send({ state: 'open' }).expect(200);
      const payment = await pay(merchant, { currency: 'usd', payment_method: card(CARDS.US) });
      expect(payment.body).toMatchObject({ status: 'FAILED', failure_code: 'no_connector_available', attempts: [] });
      const data: Array<{ type: string }> = (await app.http.get(`/v1/payments/${payment.body.id}/timeline`).set(bearer(merchant)).expect(200)).body.data;
      expect(data.filter((entry) => entry.type === 'attempt')).toEqual([]);
    });
  });

  describe('metrics', () => {
    it('counts connector attempts by connector and outcome and shows circuit state changes', async () => {
      const merchant = await merchantNamed('metrics connectors');
      const scrape = async () => (await app.http.get('/metrics').expect(200)).text;
      const before = await scrape();
      await outage(merchant, 'adyen_sim', { for: '10m', mode: 'timeout' });
      await pay(merchant, { currency: 'eur', payment_method: card(CARDS.DE) });
      await pay(merchant, { currency: 'eur', payment_method: card(CARDS.DE) });
      await app.http.post('/v1/connectors/paystack_sim/circuit').set(bearer(merchant)).send({ state: 'open' }).expect(200);
      const after = await scrape();
      const delta = (connector: string, outcome: string) =>
        sample(after, 'sandbox_connector_attempts_total', { connector, outcome }) - sample(before, 'sandbox_connector_attempts_total', { connector, outcome });
      expect(delta('adyen_sim', 'failed')).toBe(2);
      expect(delta('stripe_sim', 'succeeded')).toBe(2);
      expect(sample(after, 'sandbox_connector_circuit_state', { connector: 'paystack_sim' })).toBe(2);

      await app.http.post('/v1/connectors/paystack_sim/circuit').set(bearer(merchant)).send({ state: 'closed' }).expect(200);
      expect(sample(await scrape(), 'sandbox_connector_circuit_state', { connector: 'paystack_sim' })).toBe(0);
    });

    it('shows a circuit the breaker opened by itself (five technical failures in a row)', async () => {
      const merchant = await merchantNamed('metrics breaker');
      const profile = { latency_ms: { p50: 1, p99: 2 }, technical_error_rate: 1, technical_error: 'http_5xx' };
      await app.http.post('/v1/connectors').set(bearer(merchant)).send({ id: 'flaky_bank', methods: ['card'], profile }).expect(201);
      await putRouting(merchant, { rules: [], default: ['flaky_bank'] });
      const scrape = async () => (await app.http.get('/metrics').expect(200)).text;
      expect(sample(await scrape(), 'sandbox_connector_circuit_state', { connector: 'flaky_bank' })).toBe(0); // never reported
      for (let i = 0; i < 5; i++) await pay(merchant, { payment_method: card(CARDS.US) });
      const text = await scrape();
      expect(sample(text, 'sandbox_connector_attempts_total', { connector: 'flaky_bank', outcome: 'failed' })).toBe(5);
      expect(sample(text, 'sandbox_connector_circuit_state', { connector: 'flaky_bank' })).toBe(2);
      expect((await app.http.get('/v1/connectors/flaky_bank/health').set(bearer(merchant)).expect(200)).body.circuit).toBe('open');
    });
  });
});
