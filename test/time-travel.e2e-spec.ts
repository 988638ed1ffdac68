import { DataSource } from 'typeorm';
import { bearer, createMerchant, eventually, startTestApp, TestApp, TestMerchant } from './support/test-app';
import { TEST_REDIS_URL } from './support/test-env';
import { deleteRedisPrefix, deliveryEnv, DELIVERY_MODES, uniqueRedisPrefix, WebhookReceiver } from './support/webhook-receiver';

const DAY = 86_400_000;

interface Payment {
  id: string;
  status: string;
  capture_before: string | null;
  cancellation_reason: string | null;
  created_at: string;
  updated_at: string;
}

interface Delivery {
  status: string;
  attempts: Array<{ attempt: number; response_status: number | null }>;
}

jest.setTimeout(60_000);

/** What the merchant clock moves: authorization expiry, webhook retries, created_at, idempotency keys. */
describe.each(DELIVERY_MODES)('time travel (%s)', (mode) => {
  const prefix = uniqueRedisPrefix(`clock-${mode}`);
  let app: TestApp;
  let db: DataSource;
  let receiver: WebhookReceiver;
  let merchant: TestMerchant;
  let pathSeq = 0;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    app = await startTestApp({
      ...deliveryEnv(mode, TEST_REDIS_URL, prefix),
      WEBHOOK_TIMEOUT_MS: '1000',
      // Retries an hour apart: only an advance can make the second attempt happen within the test.
      WEBHOOK_RETRY_SCHEDULE: '1h,2h',
      SCHEDULER_POLL_INTERVAL_MS: '50',
    });
    db = app.sandbox.app.get(DataSource);
  });

  beforeEach(async () => {
    merchant = await createMerchant(app.http, `time travel ${mode}`);
    receiver.respondWith(() => ({ status: 200, body: 'ok' }));
  });

  afterAll(async () => {
    await app.close();
    await receiver.close();
    if (mode === 'bullmq') await deleteRedisPrefix(TEST_REDIS_URL, prefix);
  });

  async function endpoint(): Promise<string> {
    const path = `/clock-${mode}/${++pathSeq}`;
    await app.http.post('/v1/webhook-endpoints').set(bearer(merchant)).send({ url: receiver.url(path) }).expect(201);
    return path;
  }

  const pay = async (body: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<Payment> =>
    (await app.http.post('/v1/payments').set(bearer(merchant)).set(headers).send({ amount: 5000, currency: 'eur', ...body }).expect(201)).body;
  const getPayment = async (id: string): Promise<Payment> => (await app.http.get(`/v1/payments/${id}`).set(bearer(merchant)).expect(200)).body;
  const advance = (by: string) => app.http.post('/v1/test-clock/advance').set(bearer(merchant)).send({ by }).expect(200);
  const eventsOf = async (paymentId: string): Promise<Array<{ id: string; type: string; created_at: string }>> =>
    (await app.http.get(`/v1/events?payment_id=${paymentId}&limit=100`).set(bearer(merchant)).expect(200)).body.data;
  const deliveriesOf = async (eventId: string): Promise<Delivery[]> =>
    (await app.http.get(`/v1/events/${eventId}/deliveries`).set(bearer(merchant)).expect(200)).body.data;

  it('advance 7d expires an authorization: CANCELED at capture_before, a history row, payment.canceled delivered', async () => {
    const path = await endpoint();
    const payment = await pay({ capture_method: 'manual' });
    expect(payment.status).toBe('AUTHORIZED');
    expect(Date.parse(payment.capture_before!) - Date.parse(payment.created_at)).toBe(7 * DAY);
    expect(payment.cancellation_reason).toBeNull();

    await advance('6d');
    expect((await getPayment(payment.id)).status).toBe('AUTHORIZED');
    await advance('1d');
    const expired = await getPayment(payment.id);
    expect(expired).toMatchObject({ status: 'CANCELED', cancellation_reason: 'authorization_expired', capture_before: payment.capture_before });
    expect(expired.updated_at).toBe(payment.capture_before);

    const history: Array<{ from_status: string; to_status: string; event: string; api_key_id: string | null; created_at: Date }> = await db.query(
      'SELECT from_status, to_status, event, api_key_id, created_at FROM payment_history WHERE payment_id = $1 ORDER BY id',
      [payment.id],
    );
    expect(history.at(-1)).toMatchObject({ from_status: 'AUTHORIZED', to_status: 'CANCELED', event: 'CANCEL', api_key_id: null });
    expect(history.at(-1)!.created_at.toISOString()).toBe(payment.capture_before);

    const canceled = (await eventsOf(payment.id)).find((event) => event.type === 'payment.canceled')!;
    expect(canceled.created_at).toBe(payment.capture_before);
    const delivered = await eventually(async () => {
      const hit = receiver.events(path).find((event) => event.type === 'payment.canceled');
      return hit ?? undefined;
    });
    expect(delivered.data.object).toMatchObject({ id: payment.id, status: 'CANCELED', cancellation_reason: 'authorization_expired' });

    const late = await app.http.post(`/v1/payments/${payment.id}/capture`).set(bearer(merchant)).send({}).expect(409);
    expect(late.body.error.code).toBe('payment_invalid_state');
  });

  it('a manual cancel says requested; a captured payment is left alone by its expiry', async () => {
    const toCancel = await pay({ capture_method: 'manual' });
    const toCapture = await pay({ capture_method: 'manual' });
    const canceled = (await app.http.post(`/v1/payments/${toCancel.id}/cancel`).set(bearer(merchant)).send({}).expect(200)).body as Payment;
    expect(canceled.cancellation_reason).toBe('requested');
    await app.http.post(`/v1/payments/${toCapture.id}/capture`).set(bearer(merchant)).send({}).expect(200);
    await advance('8d');
    expect(await getPayment(toCancel.id)).toMatchObject({ status: 'CANCELED', cancellation_reason: 'requested' });
    expect(await getPayment(toCapture.id)).toMatchObject({ status: 'CAPTURED', cancellation_reason: null });
    expect((await eventsOf(toCancel.id)).filter((event) => event.type === 'payment.canceled')).toHaveLength(1);
    const actions: Array<{ status: string }> = await db.query(
      `SELECT status FROM scheduled_actions WHERE merchant_id = $1 ORDER BY id`,
      [merchant.id],
    );
    expect(actions).toEqual([{ status: 'canceled' }, { status: 'canceled' }]);
  });

  it('advance past a retry due time delivers it at once', async () => {
    const path = await endpoint();
    receiver.respondWith((_request, attempt) => (attempt === 1 ? { status: 500, body: 'down' } : { status: 200, body: 'ok' }));
    const payment = await pay({}, {});
    const created = (await eventsOf(payment.id)).find((event) => event.type === 'payment.created')!;
    // The first attempt failed: the next is due 1 h later on the merchant clock.
    const waiting = await eventually(async () => {
      const [delivery] = await deliveriesOf(created.id);
      return delivery?.attempts.length === 1 ? delivery : undefined;
    });
    expect(waiting.status).toBe('pending');
    const before = receiver.at(path).length;
    const advancedAt = Date.now();
    await advance('61m');
    const done = await eventually(async () => {
      const [delivery] = await deliveriesOf(created.id);
      return delivery?.status === 'succeeded' ? delivery : undefined;
    }, 20_000);
    expect(done.attempts.map((attempt) => attempt.response_status)).toEqual([500, 200]);
    expect(receiver.at(path).length).toBeGreaterThan(before);
    // Far sooner than the hour the wall clock would have taken.
    expect(Date.now() - advancedAt).toBeLessThan(30_000);
  });

  it('a frozen clock gives every payment and event the same created_at', async () => {
    const frozen = (await app.http.post('/v1/test-clock/freeze').set(bearer(merchant)).expect(200)).body;
    const payments = [await pay(), await pay({ capture_method: 'manual' }), await pay()];
    for (const payment of payments) {
      expect(payment.created_at).toBe(frozen.now);
      expect(payment.updated_at).toBe(frozen.now);
      for (const event of await eventsOf(payment.id)) expect(event.created_at).toBe(frozen.now);
    }
    expect(Date.parse(payments[1].capture_before!)).toBe(Date.parse(frozen.now) + 7 * DAY);
  });

  it('idempotency keys expire on the merchant clock: 25 h later the same key creates a new payment', async () => {
    const key = { 'Idempotency-Key': `clock-${mode}-${Date.now()}` };
    const first = await pay({}, key);
    const replay = await app.http.post('/v1/payments').set(bearer(merchant)).set(key).send({ amount: 5000, currency: 'eur' }).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe(first.id);
    await advance('25h');
    const fresh = await app.http.post('/v1/payments').set(bearer(merchant)).set(key).send({ amount: 5000, currency: 'eur' }).expect(201);
    expect(fresh.headers['idempotent-replayed']).toBeUndefined();
    expect(fresh.body.id).not.toBe(first.id);
    expect(Date.parse(fresh.body.created_at) - Date.parse(first.created_at)).toBeGreaterThanOrEqual(25 * 3_600_000);
  });
});
