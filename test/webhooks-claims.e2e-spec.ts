import { DataSource } from 'typeorm';
import { DeliveryService } from '../src/webhooks/delivery/delivery.service';
import { ownDatabase, OwnDatabase } from './support/own-database';
import { bearer, createMerchant, startTestApp, TestApp, TestMerchant } from './support/test-app';

describe('claiming due deliveries (e2e)', () => {
  let database: OwnDatabase;
  let app: TestApp;
  let merchant: TestMerchant;

  beforeAll(async () => {
    // Its own database: claimDue takes due deliveries of every merchant, so other spec files' pending
    // rows in the run's shared database would be counted. API only: no poller or worker, the test claims by hand.
    database = await ownDatabase('claims');
    app = await startTestApp({ PROCESS_ROLE: 'api', REDIS_URL: '', ...database.env });
    merchant = await createMerchant(app.http, 'Claims');
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('concurrent claims never hand the same delivery out twice, and a lease hides it until it ends', async () => {
    await app.http.post('/v1/webhook-endpoints').set(bearer(merchant)).send({ url: 'http://127.0.0.1:9/claims' }).expect(201);
    for (let i = 0; i < 4; i++) await app.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 100, currency: 'usd' }).expect(201);
    const deliveries = app.sandbox.app.get(DeliveryService);
    const batches = await Promise.all([deliveries.claimDue(5), deliveries.claimDue(5), deliveries.claimDue(5)]);
    const claimed = batches.flat().map((claim) => claim.id);
    expect(claimed).toHaveLength(12);
    expect(new Set(claimed).size).toBe(12);
    expect(await deliveries.claimDue(50)).toEqual([]); // all leased now
    expect(await deliveries.claimOne(claimed[0])).toBeUndefined();
    const [claim] = batches.flat();
    expect(claim.event).toMatchObject({ id: expect.stringMatching(/^evt_/), type: expect.stringMatching(/^payment\./) });
    expect(claim.endpoint.url).toBe('http://127.0.0.1:9/claims');
  });

  it('claims by id batch into one statement and still lease each delivery once, even when the same id is asked twice at once', async () => {
    const other = await createMerchant(app.http, 'Claims by id');
    await app.http.post('/v1/webhook-endpoints').set(bearer(other)).send({ url: 'http://127.0.0.1:9/by-id' }).expect(201);
    for (let i = 0; i < 3; i++) await app.http.post('/v1/payments').set(bearer(other)).send({ amount: 100, currency: 'usd' }).expect(201);
    const db = app.sandbox.app.get(DataSource);
    const pending = async (): Promise<string[]> =>
      (await db.query(`SELECT id FROM webhook_deliveries WHERE merchant_id = $1 AND status = 'pending' AND next_attempt_at <= now() ORDER BY id`, [other.id])).map(
        (row: { id: string }) => row.id,
      );
    const ids = await pending();
    expect(ids).toHaveLength(9);
    const deliveries = app.sandbox.app.get(DeliveryService);
    // Submitted in one turn: the claims share statements; every id is asked twice.
    const claims = await Promise.all([...ids, ...ids.slice().reverse()].map((id) => deliveries.claimOne(id)));
    const claimed = claims.flatMap((claim) => (claim ? [claim.id] : []));
    expect(claimed.sort()).toEqual(ids);
    for (const claim of claims) if (claim) expect(claim.event.id).toMatch(/^evt_/);
    // Leased: no longer due, and neither claim path hands them out again.
    expect(await pending()).toEqual([]);
    expect(await Promise.all(ids.map((id) => deliveries.claimOne(id)))).toEqual(ids.map(() => undefined));
    expect((await deliveries.claimDue(50)).map((claim) => claim.id)).toEqual([]);
    // A job for a leased delivery comes back when the lease (timeout + 2 s margin) ends; one for a finished delivery is dropped.
    await db.query(`UPDATE webhook_deliveries SET status = 'succeeded', next_attempt_at = NULL WHERE id = $1`, [ids[0]]);
    const outcomes = await Promise.all(ids.slice(0, 3).map((id) => deliveries.attempt(id)));
    expect(outcomes[0]).toEqual({ kind: 'skipped' });
    expect(outcomes.slice(1)).toEqual([1, 2].map(() => ({ kind: 'retry', delayMs: expect.any(Number) })));
    for (const outcome of outcomes.slice(1)) {
      const waitMs = outcome.kind === 'retry' ? outcome.delayMs : NaN;
      expect(waitMs).toBeGreaterThan(10_000);
      expect(waitMs).toBeLessThanOrEqual(12_050);
    }
  });
});
