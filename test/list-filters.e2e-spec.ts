import { bearer, createMerchant, eventually, startTestApp, TestApp, TestMerchant } from './support/test-app';

const LISTS = ['/v1/payments', '/v1/refunds', '/v1/events', '/v1/api-keys', '/v1/webhook-endpoints'];

describe('list filters and unknown query parameters (e2e)', () => {
  let app: TestApp;
  let merchant: TestMerchant;

  beforeAll(async () => {
    app = await startTestApp();
    merchant = await createMerchant(app.http, 'Filtering merchant');
    await app.http.post('/v1/webhook-endpoints').set(bearer(merchant)).send({ url: 'https://example.com/hook' }).expect(201);
  });

  afterAll(async () => {
    await app.close();
  });

  async function pay(body: Record<string, unknown> = {}): Promise<{ id: string; created_at: string }> {
    return (await app.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 2000, currency: 'usd', ...body }).expect(201)).body;
  }

  async function ids(path: string): Promise<string[]> {
    const response = await app.http.get(path).set(bearer(merchant)).expect(200);
    return response.body.data.map((item: { id: string }) => item.id);
  }

  async function types(query: string): Promise<string[]> {
    const response = await app.http.get(`/v1/events?limit=100&${query}`).set(bearer(merchant)).expect(200);
    return [...new Set<string>(response.body.data.map((event: { type: string }) => event.type))].sort();
  }

  describe('events: type as a comma list and a payment.* wildcard', () => {
    beforeAll(async () => {
      const paid = await pay();
      await app.http.post(`/v1/payments/${paid.id}/refunds`).set(bearer(merchant)).send({ amount: 100 }).expect(201);
      await app.http.post(`/v1/payments/${paid.id}/refunds`).set(bearer(merchant)).send({ simulate: 'refund_failure' }).expect(201);
    });

    it('filters by one type, a comma list, a wildcard, and a mix', async () => {
      expect(await types('type=payment.captured')).toEqual(['payment.captured']);
      expect(await types('type=payment.captured,refund.failed')).toEqual(['payment.captured', 'refund.failed']);
      expect(await types('type=payment.*')).toEqual(['payment.authorized', 'payment.captured', 'payment.created', 'payment.partially_refunded']);
      expect(await types('type=refund.*,payment.created')).toEqual(['payment.created', 'refund.failed', 'refund.succeeded']);
      expect(await types('type=dispute.*')).toEqual([]);
    });

    it.each(['payment', 'payment.*.x', 'payment.captured,', '*', 'payment.%', `${Array(21).fill('payment.created').join(',')}`])(
      'type=%s → 400 param type',
      async (value) => {
        const response = await app.http.get(`/v1/events?type=${encodeURIComponent(value)}`).set(bearer(merchant)).expect(400);
        expect(response.body.error).toMatchObject({ code: 'parameter_invalid', param: 'type' });
      },
    );
  });

  describe('created[gte] / created[lte] on every list', () => {
    it.each(LISTS)('%s: a range before, around and after the data', async (path) => {
      const all = await ids(`${path}?limit=100`);
      expect(all.length).toBeGreaterThan(0);
      const future = Math.floor(Date.now() / 1000) + 3600;
      expect(await ids(`${path}?limit=100&created[gte]=${future}`)).toEqual([]);
      expect(await ids(`${path}?limit=100&created[lte]=${future}`)).toEqual(all);
      expect(await ids(`${path}?limit=100&created[gte]=2000-01-01T00:00:00Z&created[lte]=${future}`)).toEqual(all);
      expect(await ids(`${path}?limit=100&created[lte]=2000-01-01`)).toEqual([]);
    });

    it('splits payments at a created_at boundary (inclusive)', async () => {
      const first = await pay();
      await eventually(async () => (Date.now() > Date.parse(first.created_at) + 2 ? true : undefined));
      const second = await pay();
      expect(Date.parse(second.created_at)).toBeGreaterThan(Date.parse(first.created_at));
      const after = await ids(`/v1/payments?limit=100&created[gte]=${encodeURIComponent(second.created_at)}`);
      expect(after).toContain(second.id);
      expect(after).not.toContain(first.id);
      const upTo = await ids(`/v1/payments?limit=100&created[lte]=${encodeURIComponent(first.created_at)}`);
      expect(upTo).toContain(first.id);
      expect(upTo).not.toContain(second.id);
    });

    it.each(LISTS)('%s: created[gte] that is not a date, or created without brackets → 400', async (path) => {
      for (const [query, param] of [
        ['created[gte]=yesterday', 'created.gte'],
        ['created[lte]=2026-13-45', 'created.lte'],
        ['created[gte]=1.5', 'created.gte'],
        ['created=1764547200', 'created'],
        ['created[after]=1764547200', 'created.after'],
      ]) {
        const response = await app.http.get(`${path}?${query}`).set(bearer(merchant)).expect(400);
        expect(response.body.error).toMatchObject({ type: 'invalid_request_error', param });
      }
    });
  });

  describe('payments by metadata, refunds by status', () => {
    it('metadata[key]=value keeps the payments that have every pair', async () => {
      const a = await pay({ metadata: { order_id: 'A-1' } });
      const b = await pay({ metadata: { order_id: 'B-2', channel: 'web' } });
      expect(await ids('/v1/payments?metadata[order_id]=A-1')).toEqual([a.id]);
      expect(await ids('/v1/payments?metadata[order_id]=B-2&metadata[channel]=web')).toEqual([b.id]);
      expect(await ids('/v1/payments?metadata[order_id]=B-2&metadata[channel]=app')).toEqual([]);
      const bad = await app.http.get('/v1/payments?metadata=oops').set(bearer(merchant)).expect(400);
      expect(bad.body.error.param).toBe('metadata');
    });

    it('status filters refunds (any case); an unknown status is 400', async () => {
      const failed = await ids('/v1/refunds?limit=100&status=failed');
      const succeeded = await ids('/v1/refunds?limit=100&status=SUCCEEDED');
      expect(failed.length).toBeGreaterThan(0);
      expect(succeeded.length).toBeGreaterThan(0);
      expect([...failed, ...succeeded].sort()).toEqual((await ids('/v1/refunds?limit=100')).sort());
      const response = await app.http.get('/v1/refunds?status=bogus').set(bearer(merchant)).expect(400);
      expect(response.body.error).toMatchObject({ code: 'parameter_invalid', param: 'status' });
    });
  });

  describe('unknown query parameters are 400 on every route', () => {
    it.each([
      ['GET', '/v1/payments?expand=customer'],
      ['GET', '/v1/payments/{payment}?expand=customer'],
      ['GET', '/v1/refunds?expand=charge'],
      ['GET', '/v1/events/{event}?expand=x'],
      ['GET', '/v1/events/{event}/deliveries?expand=x'],
      ['GET', '/v1/merchants/me?expand=x'],
      ['GET', '/v1/api-keys?expand=x'],
      ['GET', '/v1/webhook-endpoints?expand=x'],
      ['GET', '/health/live?expand=x'],
      ['POST', '/v1/payments?expand=x'],
      ['POST', '/v1/payments/{payment}/capture?expand=x'],
      ['POST', '/v1/payments/{payment}/refunds?expand=x'],
    ])('%s %s', async (method, template) => {
      const paid = await pay({ capture_method: 'manual' });
      const events = await app.http.get(`/v1/events?payment_id=${paid.id}`).set(bearer(merchant)).expect(200);
      const path = template.replace('{payment}', paid.id).replace('{event}', events.body.data[0].id);
      const before = await ids('/v1/payments?limit=100');
      const request = method === 'GET' ? app.http.get(path) : app.http.post(path).send({ amount: 100, currency: 'usd' });
      const response = await request.set(bearer(merchant)).expect(400);
      expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code: 'parameter_unknown', param: 'expand' });
      expect(await ids('/v1/payments?limit=100')).toEqual(before);
      const unchanged = await app.http.get(`/v1/payments/${paid.id}`).set(bearer(merchant)).expect(200);
      expect(unchanged.body).toMatchObject({ status: 'AUTHORIZED', amount_refunded: 0 });
    });
  });
});
