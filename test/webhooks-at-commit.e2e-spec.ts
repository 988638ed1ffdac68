import { ownDatabase, OwnDatabase } from './support/own-database';
import { bearer, createMerchant, eventually, startTestApp, TestApp, TestMerchant } from './support/test-app';
import { TEST_REDIS_URL } from './support/test-env';
import { deleteRedisPrefix, deliveryEnv, DELIVERY_MODES, uniqueRedisPrefix, WebhookReceiver } from './support/webhook-receiver';

/**
 * Every write path hands its deliveries to the scheduler when its transaction commits. The other
 * suites run the sweeper every 200 ms and the poller every 50 ms, which would deliver a forgotten
 * delivery anyway; here both are an hour apart (the poller's one tick is at boot, before any row
 * exists), so a delivery arrives only if the write scheduled it. Own database: no other spec's
 * pending rows can wake the poller and carry ours along.
 */
const AN_HOUR = '3600000';
const DEADLINE_MS = 15_000; // far below the hour a forgotten delivery would wait; generous for a loaded machine

jest.setTimeout(90_000);

describe.each(DELIVERY_MODES)('deliveries are scheduled at commit, sweeper and poller off (%s)', (mode) => {
  const prefix = uniqueRedisPrefix(`commit-${mode}`);
  let database: OwnDatabase;
  let app: TestApp;
  let receiver: WebhookReceiver;
  let merchant: TestMerchant;
  let hookPath: string;

  beforeAll(async () => {
    database = await ownDatabase(`commit_${mode.replace('-', '_')}`);
    receiver = await WebhookReceiver.start();
    app = await startTestApp({
      ...deliveryEnv(mode, TEST_REDIS_URL, prefix),
      ...database.env,
      PROCESS_ROLE: 'all',
      WEBHOOK_SWEEP_INTERVAL_MS: AN_HOUR,
      WEBHOOK_POLL_INTERVAL_MS: AN_HOUR,
    });
    expect(app.config.webhookSweepIntervalMs).toBe(Number(AN_HOUR));
    expect(app.config.webhookPollIntervalMs).toBe(Number(AN_HOUR));
    expect(Boolean(app.config.redisUrl)).toBe(mode === 'bullmq');
    merchant = await createMerchant(app.http, `At commit ${mode}`);
    hookPath = `/commit/${mode}`;
    await app.http.post('/v1/webhook-endpoints').set(bearer(merchant)).send({ url: receiver.url(hookPath) }).expect(201);
  });

  afterAll(async () => {
    await app?.close();
    await receiver?.close();
    await database?.drop();
    if (mode === 'bullmq') await deleteRedisPrefix(TEST_REDIS_URL, prefix);
  });

  const post = (path: string, body: object = {}) => app.http.post(path).set(bearer(merchant)).send(body);

  async function eventIds(query: string, type: string): Promise<string[]> {
    const events = (await app.http.get(`/v1/events?${query}&limit=100`).set(bearer(merchant)).expect(200)).body.data as Array<{ id: string; type: string }>;
    return events.filter((event) => event.type === type).map((event) => event.id);
  }

  /** Waits until the receiver got `count` requests for each event (and all their deliveries are settled). */
  async function received(ids: string[], count = 1): Promise<void> {
    expect(ids.length).toBeGreaterThan(0);
    await eventually(async () => {
      const seen = receiver.at(hookPath).map((request) => String(request.headers['webhook-id']));
      return ids.every((id) => seen.filter((s) => s === id).length >= count) ? true : undefined;
    }, DEADLINE_MS);
    // Settled: the worker has recorded the attempt, so nothing of this step is still in its hands.
    await eventually(async () => {
      for (const id of ids) {
        const deliveries = (await app.http.get(`/v1/events/${id}/deliveries`).set(bearer(merchant)).expect(200)).body.data;
        if (deliveries.length !== 1 || deliveries[0].attempts.length < count || deliveries[0].status !== 'succeeded') return undefined;
      }
      return true;
    }, DEADLINE_MS);
  }

  it('create, capture, cancel, refund and resend each deliver without a sweep or a poll tick', async () => {
    const manual = (await post('/v1/payments', { amount: 4000, currency: 'eur', capture_method: 'manual' }).expect(201)).body;
    await received([...(await eventIds(`payment_id=${manual.id}`, 'payment.created')), ...(await eventIds(`payment_id=${manual.id}`, 'payment.authorized'))]);

    await post(`/v1/payments/${manual.id}/capture`).expect(200);
    const captured = await eventIds(`payment_id=${manual.id}`, 'payment.captured');
    await received(captured);

    const toCancel = (await post('/v1/payments', { amount: 1500, currency: 'eur', capture_method: 'manual' }).expect(201)).body;
    await received(await eventIds(`payment_id=${toCancel.id}`, 'payment.authorized'));
    await post(`/v1/payments/${toCancel.id}/cancel`).expect(200);
    await received(await eventIds(`payment_id=${toCancel.id}`, 'payment.canceled'));

    await post(`/v1/payments/${manual.id}/refunds`, { amount: 1000 }).expect(201);
    await received([
      ...(await eventIds(`payment_id=${manual.id}`, 'refund.succeeded')),
      ...(await eventIds(`payment_id=${manual.id}`, 'payment.partially_refunded')),
    ]);

    await post(`/v1/events/${captured[0]}/resend`).expect(202);
    await received(captured, 2);
    expect(receiver.at(hookPath).filter((request) => request.headers['webhook-id'] === captured[0])).toHaveLength(2);
  });
});
