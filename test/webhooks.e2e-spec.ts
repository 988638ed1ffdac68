import { DataSource } from 'typeorm';
import { bearer, createMerchant, eventually, startTestApp, TestApp, TestMerchant } from './support/test-app';
import { TEST_REDIS_URL } from './support/test-env';
import { deleteRedisPrefix, uniqueRedisPrefix, WebhookReceiver } from './support/webhook-receiver';

describe('webhook endpoints API (e2e)', () => {
  let app: TestApp;
  let merchant: TestMerchant;
  let other: TestMerchant;

  beforeAll(async () => {
    app = await startTestApp({ PROCESS_ROLE: 'api' });
    merchant = await createMerchant(app.http, 'Endpoints merchant');
    other = await createMerchant(app.http, 'Other merchant');
  });

  afterAll(async () => {
    for (const m of [merchant, other]) await app.http.delete('/v1/merchants/me').set(bearer(m));
    await app.close();
  });

  const create = (body: Record<string, unknown>, owner = merchant) =>
    app.http.post('/v1/webhook-endpoints').set(bearer(owner)).send(body);

  it('creates an endpoint with a whsec_ secret (32 random bytes) shown on create only', async () => {
    const response = await create({ url: 'https://example.com/hooks', description: 'orders' }).expect(201);
    expect(response.body).toMatchObject({
      id: expect.stringMatching(/^we_[0-9A-Z]{26}$/),
      object: 'webhook_endpoint',
      url: 'https://example.com/hooks',
      enabled_events: ['*'],
      description: 'orders',
      status: 'enabled',
      previous_secret_expires_at: null,
    });
    const secret: string = response.body.secret;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    const second = await create({ url: 'https://example.com/hooks' }).expect(201);
    expect(second.body.secret).not.toBe(secret);

    const shown = await app.http.get(`/v1/webhook-endpoints/${response.body.id}`).set(bearer(merchant)).expect(200);
    expect(shown.body.secret).toBeUndefined();
    const list = await app.http.get('/v1/webhook-endpoints?limit=1').set(bearer(merchant)).expect(200);
    expect(list.body).toMatchObject({ object: 'list', has_more: true, data: [{ id: second.body.id }] });
    expect(list.body.data[0].secret).toBeUndefined();
    const page2 = await app.http.get(`/v1/webhook-endpoints?starting_after=${second.body.id}`).set(bearer(merchant)).expect(200);
    expect(page2.body.data.map((e: { id: string }) => e.id)).toContain(response.body.id);
  });

  it.each([
    [{ url: 'ftp://example.com/hooks' }, 'parameter_invalid', 'url'],
    [{ url: 'not a url' }, 'parameter_invalid', 'url'],
    [{ url: 'javascript:alert(1)' }, 'parameter_invalid', 'url'],
    [{ url: 'https://user:pw@example.com/' }, 'parameter_invalid', 'url'],
    [{}, 'parameter_missing', 'url'],
    [{ url: 'https://example.com', enabled_events: ['payment.exploded'] }, 'parameter_invalid', 'enabled_events'],
    [{ url: 'https://example.com', enabled_events: [] }, 'parameter_invalid', 'enabled_events'],
    [{ url: 'https://example.com', enabled_events: 'payment.created' }, 'parameter_invalid', 'enabled_events'],
    [{ url: 'https://example.com', secret: 'whsec_mine' }, 'parameter_unknown', 'secret'],
  ])('rejects %j with 400 %s naming %s, and creates nothing', async (body, code, param) => {
    const count = async () => (await app.http.get('/v1/webhook-endpoints?limit=100').set(bearer(merchant)).expect(200)).body.data.length;
    const before = await count();
    const response = await create(body).expect(400);
    expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code, param });
    expect(await count()).toBe(before);
  });

  it('accepts every known event type and normalizes "*" to subscribe to all', async () => {
    const types = [
      'payment.created', 'payment.authorized', 'payment.captured', 'payment.partially_refunded', 'payment.refunded',
      'payment.failed', 'payment.canceled', 'refund.succeeded', 'refund.failed',
    ];
    const all = await create({ url: 'http://localhost:9/hooks', enabled_events: types }).expect(201);
    expect([...all.body.enabled_events].sort()).toEqual([...types].sort());
    const star = await create({ url: 'http://localhost:9/hooks', enabled_events: ['payment.created', '*'] }).expect(201);
    expect(star.body.enabled_events).toEqual(['*']);
  });

  it('updates url, events, description and status; rejects bad values', async () => {
    const { body: created } = await create({ url: 'https://example.com/a' }).expect(201);
    const path = `/v1/webhook-endpoints/${created.id}`;
    const updated = await app.http
      .patch(path)
      .set(bearer(merchant))
      .send({ url: 'https://example.com/b', enabled_events: ['refund.failed'], description: 'new', status: 'disabled' })
      .expect(200);
    expect(updated.body).toMatchObject({ url: 'https://example.com/b', enabled_events: ['refund.failed'], description: 'new', status: 'disabled' });
    expect(updated.body.secret).toBeUndefined();
    const bad: Array<[object, string, string]> = [
      [{ status: 'paused' }, 'parameter_invalid', 'status'],
      [{ url: 'mailto:x@example.com' }, 'parameter_invalid', 'url'],
      [{ enabled_events: ['nope'] }, 'parameter_invalid', 'enabled_events'],
      [{ secret: 'x' }, 'parameter_unknown', 'secret'],
      [{ description: 'kept?', status: 'paused' }, 'parameter_invalid', 'status'],
    ];
    for (const [body, code, param] of bad) {
      const response = await app.http.patch(path).set(bearer(merchant)).send(body).expect(400);
      expect({ body, error: response.body.error }).toMatchObject({ body, error: { type: 'invalid_request_error', code, param } });
    }
    // No partial write: the endpoint is exactly as the last good PATCH left it.
    const shown = await app.http.get(path).set(bearer(merchant)).expect(200);
    expect(shown.body).toEqual(updated.body);
  });

  it('rotates the secret: a new one, the old one still signing for 24 h', async () => {
    const { body: created } = await create({ url: 'https://example.com/r' }).expect(201);
    const rotated = await app.http.post(`/v1/webhook-endpoints/${created.id}/rotate-secret`).set(bearer(merchant)).expect(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.secret);
    const expiresIn = new Date(rotated.body.previous_secret_expires_at).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(23.9 * 3600_000);
    expect(expiresIn).toBeLessThanOrEqual(24 * 3600_000);
  });

  it("hides other merchants' endpoints (404) and deletes with its deliveries", async () => {
    const { body: created } = await create({ url: 'https://example.com/mine' }).expect(201);
    const path = `/v1/webhook-endpoints/${created.id}`;
    for (const request of [
      app.http.get(path),
      app.http.patch(path).send({ description: 'x' }),
      app.http.delete(path),
      app.http.post(`${path}/rotate-secret`),
    ]) {
      const response = await request.set(bearer(other)).expect(404);
      expect(response.body.error.code).toBe('resource_missing');
    }
    const others = await app.http.get('/v1/webhook-endpoints').set(bearer(other)).expect(200);
    expect(others.body.data).toEqual([]);
    const deleted = await app.http.delete(path).set(bearer(merchant)).expect(200);
    expect(deleted.body).toEqual({ id: created.id, object: 'webhook_endpoint', deleted: true });
    await app.http.get(path).set(bearer(merchant)).expect(404);
    await app.http.delete(path).set(bearer(merchant)).expect(404);
  });

  it('is documented in the OpenAPI document', async () => {
    const document = (await app.http.get('/openapi.json').expect(200)).body;
    for (const path of ['/v1/webhook-endpoints', '/v1/webhook-endpoints/{id}', '/v1/webhook-endpoints/{id}/rotate-secret', '/v1/events/{id}/deliveries', '/v1/events/{id}/resend']) {
      expect(document.paths[path]).toBeDefined();
    }
  });
});

describe('WEBHOOK_BLOCK_PRIVATE_URLS=true (e2e)', () => {
  let api: TestApp;
  let merchant: TestMerchant;

  beforeAll(async () => {
    api = await startTestApp({ PROCESS_ROLE: 'api', WEBHOOK_BLOCK_PRIVATE_URLS: 'true' });
    merchant = await createMerchant(api.http, 'Blocked merchant');
  });

  afterAll(async () => {
    await api.http.delete('/v1/merchants/me').set(bearer(merchant));
    await api.close();
  });

  it.each([
    'http://127.0.0.1:8080/hook',
    'http://localhost/hook',
    'http://api.localhost/hook',
    'http://10.1.2.3/hook',
    'http://172.16.0.1/hook',
    'http://192.168.1.1/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://0.0.0.0/hook',
    'http://[::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://[fe80::1]/hook',
    'http://[fd00::1]/hook',
    'http://2130706433/hook',
  ])('refuses %s at registration (400)', async (url) => {
    const response = await api.http.post('/v1/webhook-endpoints').set(bearer(merchant)).send({ url }).expect(400);
    expect(response.body.error).toMatchObject({ code: 'webhook_url_not_allowed', param: 'url' });
  });

  it('accepts a public address', async () => {
    await api.http.post('/v1/webhook-endpoints').set(bearer(merchant)).send({ url: 'https://93.184.215.14/hook' }).expect(201);
  });
});

describe('private targets refused again at connect time (e2e)', () => {
  let app: TestApp;
  let receiver: WebhookReceiver;
  let merchant: TestMerchant;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    app = await startTestApp({ WEBHOOK_BLOCK_PRIVATE_URLS: 'true', WEBHOOK_POLL_INTERVAL_MS: '50' });
    merchant = await createMerchant(app.http, 'Connect-time merchant');
  });

  afterAll(async () => {
    await app.http.delete('/v1/merchants/me').set(bearer(merchant));
    await app.close();
    await receiver.close();
  });

  it('records the refused connection as an attempt error and never reaches the receiver', async () => {
    // Endpoints registered while the setting was off (the API refuses them now): written directly.
    const db = app.sandbox.app.get(DataSource);
    const ids = ['we_connecttime0000000000000001', 'we_connecttime0000000000000002'];
    const urls = [receiver.url('/private'), `http://localhost:${receiver.port}/named`];
    for (const [i, id] of ids.entries()) {
      await db.query(
        `INSERT INTO webhook_endpoints (id, merchant_id, url, enabled_events, status, secret) VALUES ($1, $2, $3, ARRAY['payment.created'], 'enabled', $4)`,
        [id, merchant.id, urls[i], 'whsec_' + Buffer.alloc(32, i).toString('base64')],
      );
    }
    const payment = (await app.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 100, currency: 'usd' }).expect(201)).body;
    const events = (await app.http.get(`/v1/events?payment_id=${payment.id}&type=payment.created`).set(bearer(merchant)).expect(200)).body.data;
    const deliveries = await eventually(async () => {
      const list = (await app.http.get(`/v1/events/${events[0].id}/deliveries`).set(bearer(merchant)).expect(200)).body.data;
      return list.length === 2 && list.every((d: { attempts: unknown[] }) => d.attempts.length > 0) ? list : undefined;
    });
    for (const delivery of deliveries) {
      expect(ids).toContain(delivery.endpoint_id);
      expect(delivery.attempts[0]).toMatchObject({ response_status: null, error: expect.stringContaining('private address') });
    }
    expect(receiver.received).toHaveLength(0);
  });
});

describe('readiness checks Redis when it is configured (e2e)', () => {
  it('reports redis ok with a reachable Redis', async () => {
    const prefix = uniqueRedisPrefix('health');
    const app = await startTestApp({ PROCESS_ROLE: 'api', REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix });
    try {
      const response = await app.http.get('/health/ready').expect(200);
      expect(response.body.checks).toMatchObject({ database: 'ok', redis: 'ok' });
    } finally {
      await app.close();
      await deleteRedisPrefix(TEST_REDIS_URL, prefix);
    }
  });

  it('answers 503 naming redis when Redis is unreachable, and payments still commit', async () => {
    const app = await startTestApp({ PROCESS_ROLE: 'api', REDIS_URL: 'redis://127.0.0.1:1', REDIS_KEY_PREFIX: uniqueRedisPrefix('down') });
    try {
      const response = await app.http.get('/health/ready').expect(503);
      expect(response.body.error.checks).toMatchObject({ database: 'ok', redis: 'unavailable' });
      const merchant = await createMerchant(app.http, 'Redis down');
      await app.http.post('/v1/webhook-endpoints').set(bearer(merchant)).send({ url: 'http://127.0.0.1:9/x' }).expect(201);
      const started = Date.now();
      await app.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 100, currency: 'usd' }).expect(201);
      // The enqueue happens after the response, never blocking it: a blocked one would wait out the 3 s enqueue deadline.
      expect(Date.now() - started).toBeLessThan(3_000);
      const db = app.sandbox.app.get(DataSource);
      const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM webhook_deliveries WHERE merchant_id = $1 AND status = 'pending'`, [merchant.id]);
      expect(count).toBe(3);
      await app.http.delete('/v1/merchants/me').set(bearer(merchant)).expect(204);
    } finally {
      await app.close();
    }
  });
});
