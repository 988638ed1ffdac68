import { DataSource } from 'typeorm';
import { bearer, createMerchant, startTestApp, TestApp, TestMerchant } from './support/test-app';

describe('cross-merchant isolation (e2e)', () => {
  let app: TestApp;
  let db: DataSource;
  let a: TestMerchant;
  let b: TestMerchant;
  let authorized: { id: string };
  let captured: { id: string };
  let extraKeyA: { id: string; secret: string };
  let eventA: { id: string };

  beforeAll(async () => {
    app = await startTestApp();
    db = app.sandbox.app.get(DataSource);
    a = await createMerchant(app.http, 'A');
    b = await createMerchant(app.http, 'B');
    authorized = (
      await app.http.post('/v1/payments').set(bearer(a)).send({ amount: 1000, currency: 'usd', capture_method: 'manual' }).expect(201)
    ).body;
    captured = (await app.http.post('/v1/payments').set(bearer(a)).send({ amount: 2000, currency: 'usd' }).expect(201)).body;
    extraKeyA = (await app.http.post('/v1/api-keys').set(bearer(a)).send({ name: 'a-extra' }).expect(201)).body;
    eventA = (await app.http.get(`/v1/events?payment_id=${authorized.id}&limit=1`).set(bearer(a)).expect(200)).body.data[0];
    await app.http.post('/v1/payments').set(bearer(b)).send({ amount: 3000, currency: 'eur' }).expect(201);
  });

  afterAll(async () => {
    await app.close();
  });

  async function stateOfA() {
    return {
      payments: await db.query('SELECT id, status, amount_captured, updated_at FROM payments WHERE merchant_id = $1 ORDER BY id', [a.id]),
      history: await db.query(
        'SELECT h.id FROM payment_history h JOIN payments p ON p.id = h.payment_id WHERE p.merchant_id = $1 ORDER BY h.id',
        [a.id],
      ),
      events: await db.query('SELECT id FROM events WHERE merchant_id = $1 ORDER BY id', [a.id]),
      keys: await db.query('SELECT id, revoked_at FROM api_keys WHERE merchant_id = $1 ORDER BY id', [a.id]),
    };
  }

  const routes: Array<[string, 'get' | 'post' | 'delete', () => string, object | undefined]> = [
    ['GET /v1/payments/:id', 'get', () => `/v1/payments/${authorized.id}`, undefined],
    ['POST /v1/payments/:id/capture', 'post', () => `/v1/payments/${authorized.id}/capture`, {}],
    ['POST /v1/payments/:id/capture (partial amount)', 'post', () => `/v1/payments/${authorized.id}/capture`, { amount: 1 }],
    ['POST /v1/payments/:id/capture (simulate failure)', 'post', () => `/v1/payments/${authorized.id}/capture`, { simulate: 'bank_error' }],
    ['POST /v1/payments/:id/cancel', 'post', () => `/v1/payments/${authorized.id}/cancel`, {}],
    ['POST /v1/payments/:id/capture on a CAPTURED payment (404, not 409)', 'post', () => `/v1/payments/${captured.id}/capture`, {}],
    ['GET /v1/events/:id', 'get', () => `/v1/events/${eventA.id}`, undefined],
    ['DELETE /v1/api-keys/:id', 'delete', () => `/v1/api-keys/${extraKeyA.id}`, undefined],
  ];

  it.each(routes)("%s with merchant B on A's object is 404 resource_missing and changes nothing", async (_label, method, path, body) => {
    const before = await stateOfA();
    const request = app.http[method](path()).set(bearer(b));
    const response = await (body ? request.send(body) : request).expect(404);
    expect(response.body.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'resource_missing',
      request_id: response.headers['request-id'],
    });
    // The answer must be the same as for an id that does not exist at all (no existence oracle).
    expect(Object.keys(response.body.error).sort()).toEqual(['code', 'message', 'param', 'request_id', 'type']);
    expect(JSON.stringify(response.body)).not.toMatch(/AUTHORIZED|CAPTURED|"status"/);
    expect(await stateOfA()).toEqual(before);
  });

  it("A's objects still behave normally for A afterwards", async () => {
    await app.http.get(`/v1/payments/${authorized.id}`).set(bearer(a)).expect(200);
    await app.http.get(`/v1/events/${eventA.id}`).set(bearer(a)).expect(200);
    await app.http.get('/v1/merchants/me').set(bearer(extraKeyA.secret)).expect(200);
    const captureRes = await app.http.post(`/v1/payments/${authorized.id}/capture`).set(bearer(a)).send({}).expect(200);
    expect(captureRes.body.status).toBe('CAPTURED');
  });

  it('lists only show the caller’s own payments, events and keys', async () => {
    const payments = await app.http.get('/v1/payments?limit=100').set(bearer(b)).expect(200);
    expect(payments.body.data).toHaveLength(1);
    expect(payments.body.data[0].currency).toBe('EUR');
    const events = await app.http.get('/v1/events?limit=100').set(bearer(b)).expect(200);
    const bPaymentId = payments.body.data[0].id;
    expect(events.body.data.length).toBeGreaterThan(0);
    for (const event of events.body.data) expect(event.data.object.id).toBe(bPaymentId);
    const keys = await app.http.get('/v1/api-keys?limit=100').set(bearer(b)).expect(200);
    expect(keys.body.data.map((k: { id: string }) => k.id)).toEqual([b.apiKeyId]);
    const aPayments = await app.http.get('/v1/payments?limit=100').set(bearer(a)).expect(200);
    expect(aPayments.body.data.map((p: { id: string }) => p.id).sort()).toEqual([authorized.id, captured.id].sort());
  });

  it("filters by A's payment id or status from B return nothing of A's", async () => {
    const events = await app.http.get(`/v1/events?payment_id=${authorized.id}`).set(bearer(b)).expect(200);
    expect(events.body).toEqual({ object: 'list', data: [], has_more: false });
    const byStatus = await app.http.get('/v1/payments?status=CAPTURED&limit=100').set(bearer(b)).expect(200);
    expect(byStatus.body.data.every((p: { id: string }) => p.id !== captured.id)).toBe(true);
  });

  it("starting_after with A's id from B only pages B's own objects", async () => {
    const response = await app.http.get(`/v1/payments?starting_after=${'pay_' + 'Z'.repeat(26)}`).set(bearer(b)).expect(200);
    expect(response.body.data).toHaveLength(1);
    const afterA = await app.http.get(`/v1/payments?starting_after=${captured.id}`).set(bearer(b)).expect(200);
    for (const payment of afterA.body.data) expect([authorized.id, captured.id]).not.toContain(payment.id);
  });

  it("GET /v1/merchants/me and DELETE /v1/merchants/me only ever touch the caller's merchant", async () => {
    const c = await createMerchant(app.http, 'C');
    const me = await app.http.get('/v1/merchants/me').set(bearer(c)).expect(200);
    expect(me.body.id).toBe(c.id);
    const before = await stateOfA();
    await app.http.delete('/v1/merchants/me').set(bearer(c)).expect(204);
    expect(await stateOfA()).toEqual(before);
    await app.http.get('/v1/merchants/me').set(bearer(a)).expect(200);
    await app.http.get('/v1/merchants/me').set(bearer(b)).expect(200);
  });
});
