import { Writable } from 'node:stream';
import { bearer, createMerchant, eventually, startTestApp, TestApp, TestMerchant } from './support/test-app';
import { WebhookReceiver } from './support/webhook-receiver';

jest.setTimeout(30_000);

/** The value of one sample line (`name{labels} value`), 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = (match[2] ?? '').split(',').filter(Boolean);
    if (wanted.every((label) => present.includes(label)) && present.length === wanted.length) return Number(match[3]);
  }
  return 0;
}

describe('GET /metrics (e2e)', () => {
  let app: TestApp;
  let merchant: TestMerchant;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    app = await startTestApp({ PUBLIC_URL: 'http://sandbox.example.test:9999' });
    receiver = await WebhookReceiver.start();
    merchant = await createMerchant(app.http, 'Metrics merchant');
  });

  afterAll(async () => {
    await app.http.delete('/v1/merchants/me').set(bearer(merchant));
    await app.close();
    await receiver.close();
  });

  const scrape = async () => {
    const response = await app.http.get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text;
  };

  it('exposes request durations by route template (never ids), payments by status, deliveries by outcome and lag, and process defaults', async () => {
    await app.http.post('/v1/webhook-endpoints').set(bearer(merchant)).send({ url: receiver.url('/m') }).expect(201);
    const before = await scrape();
    const payments = [];
    for (let i = 0; i < 3; i++) payments.push((await app.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 700, currency: 'usd' }).expect(201)).body);
    await app.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 700, currency: 'usd', simulate: 'card_declined' }).expect(201);
    for (const payment of payments) await app.http.get(`/v1/payments/${payment.id}`).set(bearer(merchant)).expect(200);
    await app.http.get('/v1/payments/pay_missing').set(bearer(merchant)).expect(404);
    await app.http.get('/v1/no-such-route').expect(404);
    await eventually(async () => (receiver.received.length >= 3 * 3 + 2 ? true : undefined));

    const after = await eventually(async () => {
      const text = await scrape();
      return sample(text, 'sandbox_webhook_deliveries_total', { outcome: 'succeeded' }) - sample(before, 'sandbox_webhook_deliveries_total', { outcome: 'succeeded' }) >= 11 ? text : undefined;
    });
    const get = { method: 'GET', route: '/v1/payments/:id' };
    expect(sample(after, 'http_request_duration_seconds_count', { ...get, status_code: '200' }) - sample(before, 'http_request_duration_seconds_count', { ...get, status_code: '200' })).toBe(3);
    expect(sample(after, 'http_request_duration_seconds_count', { ...get, status_code: '404' })).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status_code: '404' })).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'http_request_duration_seconds_bucket', { ...get, status_code: '200', le: '+Inf' })).toBeGreaterThanOrEqual(3);
    expect(after).not.toMatch(/pay_[0-9A-Z]{26}/);
    expect(sample(after, 'sandbox_payments', { status: 'CAPTURED' }) - sample(before, 'sandbox_payments', { status: 'CAPTURED' })).toBe(3);
    expect(sample(after, 'sandbox_payments', { status: 'FAILED' }) - sample(before, 'sandbox_payments', { status: 'FAILED' })).toBe(1);
    expect(sample(after, 'sandbox_webhook_delivery_lag_seconds_count')).toBeGreaterThanOrEqual(11);
    expect(sample(after, 'sandbox_webhook_deliveries', { status: 'succeeded' })).toBeGreaterThanOrEqual(11);
    for (const name of ['sandbox_refunds', 'sandbox_webhook_queue_depth', 'sandbox_connector_attempts_total', 'sandbox_connector_circuit_state', 'sandbox_stream_clients', 'process_cpu_user_seconds_total', 'nodejs_heap_size_used_bytes']) {
      expect(after).toContain(`# TYPE ${name} `);
    }
  });

  it('serves an OpenAPI document that points at the running server (PUBLIC_URL)', async () => {
    const document = await app.http.get('/openapi.json').expect(200);
    expect(document.body.servers).toEqual([{ url: 'http://sandbox.example.test:9999' }]);
    for (const path of ['/v1/payments/{id}/timeline', '/v1/audit-logs', '/v1/events/stream', '/v1/stream-tokens', '/v1/analytics/summary']) {
      expect(document.body.paths[path]).toBeDefined();
    }
  });

  it('requires METRICS_TOKEN when it is set', async () => {
    const guarded = await startTestApp({ METRICS_TOKEN: 'metrics-token-0123456789' });
    try {
      await guarded.http.get('/metrics').expect(401);
      await guarded.http.get('/metrics').set('Authorization', 'Bearer wrong-token-0123456789').expect(401);
      const ok = await guarded.http.get('/metrics').set('Authorization', 'Bearer metrics-token-0123456789').expect(200);
      expect(ok.text).toContain('http_request_duration_seconds');
    } finally {
      await guarded.close();
    }
  });
});

describe('structured logs (e2e)', () => {
  it('logs one JSON line per request with request id, merchant, route, status and duration, and never a card number, key or secret', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const app = await startTestApp({ LOG_LEVEL: 'info', LOG_FORMAT: 'json' }, { logDestination: destination });
    try {
      const merchant = await createMerchant(app.http, 'Logged merchant');
      const payment = await app.http
        .post('/v1/payments')
        .set(bearer(merchant))
        .send({ amount: 900, currency: 'usd', payment_method: { type: 'card', card: { number: '4000000000000002', exp_month: 12, exp_year: 2040, cvc: '987' } } })
        .expect(201);
      await app.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 900, currency: 'usd', payment_method: { type: 'card', card: { number: '4242424242424241', exp_month: 12, exp_year: 2040 } } }).expect(400);
      const endpoint = await app.http.post('/v1/webhook-endpoints').set(bearer(merchant)).send({ url: 'https://example.com/h' }).expect(201);
      const token = await app.http.post('/v1/stream-tokens').set(bearer(merchant)).expect(201);
      await app.http.get(`/v1/events/stream?token=${token.body.token}&types=nope`).expect(400);
      await app.http.get(`/v1/payments/${payment.body.id}`).set(bearer(merchant)).expect(200);
      await app.http.delete('/v1/merchants/me').set(bearer(merchant)).expect(204);

      const parsed = await eventually(async () => {
        const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
        return records.filter((record) => record.msg === 'request completed').length >= 7 ? records : undefined;
      });
      const read = parsed.find((record) => record.msg === 'request completed' && record.route === '/v1/payments/:id');
      expect(read).toMatchObject({
        level: 'info',
        request_id: expect.stringMatching(/^req_/),
        merchant_id: merchant.id,
        method: 'GET',
        path: `/v1/payments/${payment.body.id}`,
        status: 200,
        duration_ms: expect.any(Number),
      });
      expect(parsed.find((record) => record.status === 400 && record.route === '/v1/payments')).toMatchObject({ level: 'warn' });
      const everything = lines.join('\n');
      for (const secret of ['4000000000000002', '4242424242424241', '"987"', merchant.key, endpoint.body.secret, token.body.token]) {
        expect(everything).not.toContain(secret);
      }
    } finally {
      await app.close();
    }
  });
});
