import { DataSource } from 'typeorm';
import { BullmqDeliveryScheduler } from '../src/webhooks/scheduling/bullmq-delivery-scheduler';
import { DeliverySweeper } from '../src/webhooks/worker/delivery-sweeper';
import { bearer, createMerchant, eventually, startTestApp, TestApp, TestMerchant } from './support/test-app';
import { TEST_REDIS_URL } from './support/test-env';
import { deleteRedisPrefix, deliveryEnv, uniqueRedisPrefix, WebhookReceiver } from './support/webhook-receiver';

jest.setTimeout(60_000);

const AN_HOUR = '3600000';

/**
 * The sweeper gives a job back to a pending delivery whose job is gone or finished, but not to one
 * whose job finished after the sweep read the row (in a backlog the worker is busy with exactly
 * those rows, and re-running them only repeats a claim). The sweeper's own timer is off: the test
 * sweeps by hand.
 */
describe('delivery sweeper and finished jobs (e2e, BullMQ)', () => {
  const prefix = uniqueRedisPrefix('sweeper');
  let app: TestApp;
  let db: DataSource;
  let receiver: WebhookReceiver;
  let merchant: TestMerchant;
  let scheduler: BullmqDeliveryScheduler;
  const path = '/sweeper';

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    app = await startTestApp({ ...deliveryEnv('bullmq', TEST_REDIS_URL, prefix), WEBHOOK_SWEEP_INTERVAL_MS: AN_HOUR, WEBHOOK_SWEEP_GRACE_MS: '0' });
    db = app.sandbox.app.get(DataSource);
    scheduler = app.sandbox.app.get(BullmqDeliveryScheduler);
    merchant = await createMerchant(app.http, 'Sweeper');
    await app.http.post('/v1/webhook-endpoints').set(bearer(merchant)).send({ url: receiver.url(path) }).expect(201);
  });

  afterAll(async () => {
    await app?.close();
    await receiver?.close();
    await deleteRedisPrefix(TEST_REDIS_URL, prefix);
  });

  /** A payment's three deliveries, once all have succeeded. */
  async function deliveredPayment(): Promise<Array<{ id: string; event_id: string }>> {
    const payment = await app.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 500, currency: 'usd' }).expect(201);
    return eventually(async () => {
      const rows: Array<{ id: string; event_id: string; status: string }> = await db.query(
        `SELECT d.id, d.event_id, d.status FROM webhook_deliveries d JOIN events e ON e.id = d.event_id WHERE e.payment_id = $1 ORDER BY d.id`,
        [payment.body.id],
      );
      return rows.length === 3 && rows.every((row) => row.status === 'succeeded') ? rows : undefined;
    });
  }

  /** As if the attempt's outcome had been lost: pending again, due long ago, untouched since. */
  const makeStale = (ids: string[]) =>
    db.query(
      `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now() - interval '1 hour', updated_at = now() - interval '1 hour' WHERE id = ANY($1)`,
      [ids],
    );

  const received = (eventId: string) => receiver.at(path).filter((request) => request.headers['webhook-id'] === eventId).length;

  it('keeps a job that finished after the given time, replaces one that finished before it', async () => {
    const [kept, replaced] = await deliveredPayment();
    await makeStale([kept.id, replaced.id]);
    const keptJob = (await scheduler.queue.getJob(kept.id))!;
    const replacedJob = (await scheduler.queue.getJob(replaced.id))!;
    expect([await keptJob.getState(), await replacedJob.getState()]).toEqual(['completed', 'completed']);

    expect(await scheduler.ensureJob(kept.id, keptJob.finishedOn!)).toBe('kept');
    const stillThere = (await scheduler.queue.getJob(kept.id))!;
    expect([await stillThere.getState(), stillThere.finishedOn, stillThere.timestamp]).toEqual(['completed', keptJob.finishedOn, keptJob.timestamp]);

    expect(await scheduler.ensureJob(replaced.id, replacedJob.finishedOn! + 1)).toBe('added');
    await eventually(async () => (received(replaced.event_id) === 2 ? true : undefined));
    await eventually(async () => {
      const [row] = await db.query(`SELECT status, attempt_count FROM webhook_deliveries WHERE id = $1`, [replaced.id]);
      return row.status === 'succeeded' && row.attempt_count === 2 ? true : undefined;
    });
    await db.query(`UPDATE webhook_deliveries SET status = 'succeeded', next_attempt_at = NULL WHERE id = $1`, [kept.id]);
  });

  it('a sweep re-enqueues stale pending deliveries whose jobs finished before it read them', async () => {
    const deliveries = await deliveredPayment();
    await makeStale(deliveries.map((delivery) => delivery.id));
    expect(await app.sandbox.app.get(DeliverySweeper).sweep()).toBe(3);
    for (const delivery of deliveries) await eventually(async () => (received(delivery.event_id) === 2 ? true : undefined));
  });
});
