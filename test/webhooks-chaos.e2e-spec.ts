import { DataSource } from 'typeorm';
import { Webhook } from 'standardwebhooks';
import { planChaos, WebhookChaos } from '../src/simulation/webhook-chaos';
import { bearer, createMerchant, eventually, startTestApp, TestApp, TestMerchant } from './support/test-app';
import { isEmbeddedTestMode, TEST_REDIS_URL } from './support/test-env';
import { deleteRedisPrefix, deliveryEnv, DeliveryMode, uniqueRedisPrefix, WebhookReceiver } from './support/webhook-receiver';

jest.setTimeout(60_000);

const SEED = 1234;

describe('webhook chaos (e2e)', () => {
  // Full mode delivers through BullMQ; embedded mode through the in-process poller.
  const mode: DeliveryMode = isEmbeddedTestMode() ? 'in-process' : 'bullmq';
  const prefix = uniqueRedisPrefix(`chaos-${mode}`);
  let app: TestApp;
  let db: DataSource;
  let receiver: WebhookReceiver;
  let merchant: TestMerchant;
  let pathSeq = 0;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    app = await startTestApp({ ...deliveryEnv(mode, TEST_REDIS_URL, prefix), WEBHOOK_TIMEOUT_MS: '2000' });
    db = app.sandbox.app.get(DataSource);
  }, 60_000);

  beforeEach(async () => {
    merchant = await createMerchant(app.http, `chaos ${mode}`);
  });

  afterAll(async () => {
    await app.close();
    await receiver.close();
    if (mode === 'bullmq') await deleteRedisPrefix(TEST_REDIS_URL, prefix);
  });

  const createEndpoint = (body: Record<string, unknown>) =>
    app.http.post('/v1/webhook-endpoints').set(bearer(merchant)).send({ url: receiver.url(`/chaos/${++pathSeq}`), ...body });

  async function endpointCount(): Promise<number> {
    const [row] = await db.query('SELECT count(*)::int AS n FROM webhook_endpoints WHERE merchant_id = $1', [merchant.id]);
    return row.n;
  }

  describe('settings', () => {
    it.each([
      ['duplicate_percent above 100', { duplicate_percent: 101 }, 'chaos.duplicate_percent'],
      ['bad_signature_percent below 0', { bad_signature_percent: -1 }, 'chaos.bad_signature_percent'],
      ['a fractional percent', { duplicate_percent: 2.5 }, 'chaos.duplicate_percent'],
      ['a string percent', { duplicate_percent: '50' }, 'chaos.duplicate_percent'],
      ['too many dropped attempts', { drop_first_attempts: 11 }, 'chaos.drop_first_attempts'],
      ['a delay past 5 s', { extra_delay_ms: 5001 }, 'chaos.extra_delay_ms'],
      ['an unknown chaos field', { lose_everything: true }, 'chaos.lose_everything'],
      ['duplicate_percent below 0', { duplicate_percent: -1 }, 'chaos.duplicate_percent'],
      ['bad_signature_percent above 100', { bad_signature_percent: 101 }, 'chaos.bad_signature_percent'],
      ['a negative reorder window', { reorder_window_ms: -5 }, 'chaos.reorder_window_ms'],
      ['chaos that is not an object', 50, 'chaos'],
    ])('%s → 400 with param, nothing stored', async (_label, chaos, param) => {
      const before = await endpointCount();
      const response = await createEndpoint({ chaos }).expect(400);
      expect(response.body.error).toMatchObject({ code: expect.stringMatching(/^parameter_(invalid|missing|unknown)$/), param });
      expect(await endpointCount()).toBe(before);
      const listed = await app.http.get('/v1/webhook-endpoints').set(bearer(merchant)).expect(200);
      expect(listed.body.data).toHaveLength(before);
    });

    it.each([
      [{ duplicate_percent: 101 }, 'chaos.duplicate_percent'],
      [{ bad_signature_percent: -1 }, 'chaos.bad_signature_percent'],
      [{ duplicate_percent: 50, bad_signature_percent: 100.5 }, 'chaos.bad_signature_percent'],
    ])('PATCH with %p → 400 with param, the stored chaos unchanged', async (chaos, param) => {
      const created = await createEndpoint({ chaos: { duplicate_percent: 10, seed: 3 } }).expect(201);
      const response = await app.http.patch(`/v1/webhook-endpoints/${created.body.id}`).set(bearer(merchant)).send({ chaos }).expect(400);
      expect(response.body.error).toMatchObject({ code: expect.stringMatching(/^parameter_(invalid|missing|unknown)$/), param });
      const after = await app.http.get(`/v1/webhook-endpoints/${created.body.id}`).set(bearer(merchant)).expect(200);
      expect(after.body.chaos).toEqual(created.body.chaos);
    });

    it('create stores every field (0 = off, a random seed when omitted); PATCH replaces; PATCH null turns chaos off', async () => {
      const created = await createEndpoint({ chaos: { duplicate_percent: 25 } }).expect(201);
      expect(created.body.chaos).toEqual({
        duplicate_percent: 25,
        drop_first_attempts: 0,
        reorder_window_ms: 0,
        bad_signature_percent: 0,
        extra_delay_ms: 0,
        seed: expect.any(Number),
      });
      const patched = await app.http.patch(`/v1/webhook-endpoints/${created.body.id}`).set(bearer(merchant)).send({ chaos: { bad_signature_percent: 10, seed: 9 } }).expect(200);
      expect(patched.body.chaos).toMatchObject({ duplicate_percent: 0, bad_signature_percent: 10, seed: 9 });
      const [stored] = await db.query('SELECT chaos FROM webhook_endpoints WHERE id = $1', [created.body.id]);
      expect(stored.chaos).toEqual(patched.body.chaos);
      await app.http.patch(`/v1/webhook-endpoints/${created.body.id}`).set(bearer(merchant)).send({ chaos: { duplicate_percent: 150 } }).expect(400);
      const off = await app.http.patch(`/v1/webhook-endpoints/${created.body.id}`).set(bearer(merchant)).send({ chaos: null }).expect(200);
      expect(off.body.chaos).toBeNull();
      expect((await db.query('SELECT chaos FROM webhook_endpoints WHERE id = $1', [created.body.id]))[0].chaos).toBeNull();
    });
  });

  it('a fixed seed: drops the first attempt, then duplicates and bad-signature copies exactly as the seed says', async () => {
    const chaos: WebhookChaos = { duplicate_percent: 50, drop_first_attempts: 1, reorder_window_ms: 0, bad_signature_percent: 30, extra_delay_ms: 0, seed: SEED };
    const created = await createEndpoint({ chaos }).expect(201);
    const path = `/chaos/${pathSeq}`;
    const secret: string = created.body.secret;
    for (let i = 0; i < 6; i++) await app.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 700 + i, currency: 'usd' }).expect(201);

    const deliveries: Array<{ id: string; status: string; attempt_count: number }> = await eventually(async () => {
      const rows = await db.query('SELECT id, status, attempt_count FROM webhook_deliveries WHERE endpoint_id = $1', [created.body.id]);
      return rows.length === 18 && rows.every((row: { status: string }) => row.status === 'succeeded') ? rows : undefined;
    }, 30_000);
    // Every delivery: attempt 1 dropped (retried on schedule), attempt 2 delivered.
    expect(deliveries.every((delivery) => delivery.attempt_count === 2)).toBe(true);

    const expected = { duplicate: 0, bad_signature: 0 };
    for (const delivery of deliveries) {
      expect(planChaos(chaos, delivery.id, 1)!.drop).toBe(true);
      const plan = planChaos(chaos, delivery.id, 2)!;
      if (plan.duplicate) expected.duplicate++;
      if (plan.badSignature) expected.bad_signature++;
    }
    // The extra copies are sent after the real attempt is recorded: wait for all of them.
    const extra = expected.duplicate + expected.bad_signature;
    await eventually(async () => (receiver.at(path).length === 18 + extra ? true : undefined), 15_000);

    // Each extra copy's attempt row is written once its answer is back, after the receiver saw it: wait for the rows too.
    type AttemptRow = { attempt: number; chaos: string | null; response_status: number | null; error: string | null };
    const attempts: AttemptRow[] = await eventually(async () => {
      const rows: AttemptRow[] = await db.query(
        `SELECT a.attempt, a.chaos, a.response_status, a.error FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = $1`,
        [created.body.id],
      );
      return rows.length === 36 + extra ? rows : undefined;
    }, 15_000);
    const countOf = (value: string | null) => attempts.filter((attempt) => attempt.chaos === value).length;
    expect(countOf('dropped')).toBe(18);
    expect(attempts.filter((attempt) => attempt.chaos === 'dropped').every((attempt) => attempt.attempt === 1 && attempt.response_status === null && attempt.error === 'chaos: dropped (not sent)')).toBe(true);
    expect(countOf(null)).toBe(18);
    expect(countOf('duplicate')).toBe(expected.duplicate);
    expect(countOf('bad_signature')).toBe(expected.bad_signature);
    expect(extra).toBeGreaterThan(0);

    // What the receiver got: standardwebhooks rejects exactly the bad copies; every event verifies at least once.
    const verifier = new Webhook(secret);
    const verified = new Set<string>();
    let rejected = 0;
    for (const request of receiver.at(path)) {
      const headers = {
        'webhook-id': String(request.headers['webhook-id']),
        'webhook-timestamp': String(request.headers['webhook-timestamp']),
        'webhook-signature': String(request.headers['webhook-signature']),
      };
      try {
        verifier.verify(request.body, headers);
        verified.add(headers['webhook-id']);
      } catch {
        rejected++;
      }
    }
    expect(rejected).toBe(expected.bad_signature);
    expect(verified.size).toBe(18);
    expect(receiver.at(path).length).toBe(18 + expected.duplicate + expected.bad_signature);

    // The deliveries log shows the chaos on each attempt.
    const [event] = (await app.http.get('/v1/events?limit=1').set(bearer(merchant)).expect(200)).body.data;
    const [logged] = (await app.http.get(`/v1/events/${event.id}/deliveries`).set(bearer(merchant)).expect(200)).body.data;
    expect(logged.attempts[0]).toMatchObject({ attempt: 1, chaos: 'dropped', response_status: null });
    expect(logged.attempts.slice(1).map((attempt: { chaos: string | null }) => attempt.chaos)).toContain(null);
  });

  it('extra_delay_ms holds each attempt and is recorded as delayed', async () => {
    const created = await createEndpoint({ chaos: { extra_delay_ms: 300, seed: 5 } }).expect(201);
    await app.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 900, currency: 'usd', capture_method: 'manual' }).expect(201);
    const rows = await eventually(async () => {
      const found = await db.query(
        `SELECT a.chaos FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = $1 AND d.status = 'succeeded'`,
        [created.body.id],
      );
      return found.length === 2 ? found : undefined;
    }, 15_000);
    expect(rows.map((row: { chaos: string }) => row.chaos)).toEqual(['delayed', 'delayed']);
  });
});
