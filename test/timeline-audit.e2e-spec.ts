import { bearer, createMerchant, eventually, startTestApp, TestApp, TestMerchant } from './support/test-app';
import { WebhookReceiver } from './support/webhook-receiver';

jest.setTimeout(30_000);

interface Entry {
  type: string;
  at: string;
  [field: string]: unknown;
}

describe('payment timeline and audit log (e2e)', () => {
  let app: TestApp;
  let merchant: TestMerchant;
  let other: TestMerchant;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    app = await startTestApp();
    receiver = await WebhookReceiver.start();
    merchant = await createMerchant(app.http, 'Timeline merchant');
    other = await createMerchant(app.http, 'Other merchant');
  });

  afterAll(async () => {
    for (const m of [merchant, other]) await app.http.delete('/v1/merchants/me').set(bearer(m));
    await app.close();
    await receiver.close();
  });

  const timeline = async (id: string, owner = merchant): Promise<Entry[]> =>
    (await app.http.get(`/v1/payments/${id}/timeline`).set(bearer(owner)).expect(200)).body.data;

  it('tells a payment story in time order: transitions with who and from where, events, deliveries with attempts', async () => {
    // One attempt fails, the retry succeeds: the delivery shows both attempts.
    receiver.respondWith((_request, attempt) => (attempt === 1 ? { status: 500 } : { status: 200 }));
    const endpoint = await app.http.post('/v1/webhook-endpoints').set(bearer(merchant)).send({ url: receiver.url('/tl'), enabled_events: ['payment.captured'] }).expect(201);
    const payment = await app.http
      .post('/v1/payments')
      .set(bearer(merchant))
      .set('User-Agent', 'timeline-test/1.0')
      .send({ amount: 1500, currency: 'eur', capture_method: 'manual' })
      .expect(201);
    const capture = await app.http.post(`/v1/payments/${payment.body.id}/capture`).set(bearer(merchant)).set('User-Agent', 'capturer/2.0').expect(200);

    const entries = await eventually(async () => {
      const data = await timeline(payment.body.id);
      const delivery = data.find((entry) => entry.type === 'delivery');
      return delivery && delivery.status === 'succeeded' ? data : undefined;
    });

    const times = entries.map((entry) => Date.parse(entry.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const transitions = entries.filter((entry) => entry.type === 'transition');
    expect(transitions.map((entry) => [entry.from, entry.to])).toEqual([
      [null, 'CREATED'],
      ['CREATED', 'AUTHORIZED'],
      ['AUTHORIZED', 'CAPTURED'],
    ]);
    expect(transitions[0]).toMatchObject({
      trigger: 'CREATE',
      api_key_id: merchant.apiKeyId,
      request_id: payment.headers['request-id'],
      user_agent: 'timeline-test/1.0',
      ip: expect.stringMatching(/127\.0\.0\.1|::1/),
    });
    expect(transitions[2]).toMatchObject({ trigger: 'CAPTURE', request_id: capture.headers['request-id'], user_agent: 'capturer/2.0' });
    expect(entries.filter((entry) => entry.type === 'event').map((entry) => entry.event_type)).toEqual([
      'payment.created',
      'payment.authorized',
      'payment.captured',
    ]);
    const deliveries = entries.filter((entry) => entry.type === 'delivery');
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ endpoint_id: endpoint.body.id, status: 'succeeded' });
    expect((deliveries[0].attempts as Array<{ response_status: number }>).map((attempt) => attempt.response_status)).toEqual([500, 200]);
    // Each transition comes before the event it emitted.
    const capturedTransition = entries.findIndex((entry) => entry.type === 'transition' && entry.to === 'CAPTURED');
    const capturedEvent = entries.findIndex((entry) => entry.type === 'event' && entry.event_type === 'payment.captured');
    expect(capturedTransition).toBeLessThan(capturedEvent);
  });

  it("answers 404 for another merchant's payment and for unknown ids", async () => {
    const payment = await app.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 100, currency: 'usd' }).expect(201);
    const foreign = await app.http.get(`/v1/payments/${payment.body.id}/timeline`).set(bearer(other)).expect(404);
    expect(foreign.body.error).toMatchObject({ code: 'resource_missing', param: 'id' });
    await app.http.get('/v1/payments/pay_nope/timeline').set(bearer(merchant)).expect(404);
    await app.http.get(`/v1/payments/${payment.body.id}/timeline`).expect(401);
  });

  it('records configuration changes with actor, IP and user agent, filterable by kind, paginated, never a secret', async () => {
    const key = await app.http.post('/v1/api-keys').set(bearer(merchant)).set('User-Agent', 'auditor/1').send({ name: 'ci' }).expect(201);
    const endpoint = await app.http.post('/v1/webhook-endpoints').set(bearer(merchant)).send({ url: 'https://example.com/a' }).expect(201);
    await app.http.patch(`/v1/webhook-endpoints/${endpoint.body.id}`).set(bearer(merchant)).send({ url: 'https://example.com/b', status: 'disabled' }).expect(200);
    const rotated = await app.http.post(`/v1/webhook-endpoints/${endpoint.body.id}/rotate-secret`).set(bearer(merchant)).expect(200);
    await app.http.delete(`/v1/webhook-endpoints/${endpoint.body.id}`).set(bearer(merchant)).expect(200);
    await app.http.delete(`/v1/api-keys/${key.body.id}`).set(bearer(merchant)).expect(200);

    const all = await app.http.get('/v1/audit-logs?limit=100').set(bearer(merchant)).expect(200);
    const text = JSON.stringify(all.body);
    for (const secret of [key.body.secret, endpoint.body.secret, rotated.body.secret]) expect(text).not.toContain(secret);
    const mine = all.body.data.filter((entry: { object_id: string }) => [key.body.id, endpoint.body.id].includes(entry.object_id));
    expect(mine.map((entry: { kind: string; action: string }) => `${entry.kind}:${entry.action}`)).toEqual([
      'api_key:revoked',
      'webhook_endpoint:deleted',
      'webhook_endpoint:rotated_secret',
      'webhook_endpoint:updated',
      'webhook_endpoint:created',
      'api_key:created',
    ]);
    const created = mine.at(-1);
    expect(created).toMatchObject({
      object: 'audit_log',
      id: expect.stringMatching(/^aud_/),
      details: { name: 'ci' },
      actor: { api_key_id: merchant.apiKeyId, user_agent: 'auditor/1', ip: expect.stringMatching(/127\.0\.0\.1|::1/), request_id: key.headers['request-id'] },
    });
    expect(mine[3].details).toEqual({ changed: ['url', 'status'], url: 'https://example.com/b', status: 'disabled' });

    const keysOnly = await app.http.get('/v1/audit-logs?kind=api_key').set(bearer(merchant)).expect(200);
    expect(keysOnly.body.data.every((entry: { kind: string }) => entry.kind === 'api_key')).toBe(true);
    expect(keysOnly.body.data.length).toBeGreaterThanOrEqual(2);

    const page1 = await app.http.get('/v1/audit-logs?limit=2').set(bearer(merchant)).expect(200);
    expect(page1.body.has_more).toBe(true);
    const page2 = await app.http.get(`/v1/audit-logs?limit=2&starting_after=${page1.body.data[1].id}`).set(bearer(merchant)).expect(200);
    expect(page2.body.data[0].id < page1.body.data[1].id).toBe(true);

    const others = await app.http.get('/v1/audit-logs').set(bearer(other)).expect(200);
    expect(others.body.data).toEqual([]);
  });

  it.each([
    ['kind=nonsense', 'kind'],
    ['limit=0', 'limit'],
    ['foo=bar', 'foo'],
  ])('refuses a bad audit-log query (%s)', async (query, param) => {
    const response = await app.http.get(`/v1/audit-logs?${query}`).set(bearer(merchant)).expect(400);
    expect(response.body.error.param).toBe(param);
  });

  it('audits the stored (normalized) value of an update', async () => {
    const endpoint = await app.http.post('/v1/webhook-endpoints').set(bearer(merchant)).send({ url: 'https://example.com/a' }).expect(201);
    await app.http.patch(`/v1/webhook-endpoints/${endpoint.body.id}`).set(bearer(merchant)).send({ url: 'https://EXAMPLE.com/\u0000x' }).expect(200);
    const [entry] = (await app.http.get('/v1/audit-logs?kind=webhook_endpoint&limit=1').set(bearer(merchant)).expect(200)).body.data;
    expect(entry).toMatchObject({ action: 'updated', object_id: endpoint.body.id, details: { changed: ['url'], url: 'https://example.com/%00x' } });
  });

  it('does not audit a refused change', async () => {
    const before = await app.http.get('/v1/audit-logs?limit=100').set(bearer(merchant)).expect(200);
    await app.http.post('/v1/webhook-endpoints').set(bearer(merchant)).send({ url: 'ftp://nope' }).expect(400);
    await app.http.delete('/v1/webhook-endpoints/we_missing').set(bearer(merchant)).expect(404);
    const after = await app.http.get('/v1/audit-logs?limit=100').set(bearer(merchant)).expect(200);
    expect(after.body.data.length).toBe(before.body.data.length);
  });
});
