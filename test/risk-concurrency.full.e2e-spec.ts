import { DataSource } from 'typeorm';
import { bearer, createMerchant, startTestApp, TestApp } from './support/test-app';

jest.setTimeout(120_000);

// Full mode only: embedded PGlite serialises every statement, so nothing would run concurrently there.
describe('risk velocity under concurrent creates (e2e, full)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ DATABASE_POOL_SIZE: '12' });
  });

  afterAll(async () => {
    await app.close();
  });

  it('20 simultaneous payments on one card each see their own count: exactly 5 trip :charges_per_card_hourly: > 15', async () => {
    const merchant = await createMerchant(app.http, 'risk concurrency');
    await app.http.post('/v1/test-clock/freeze').set(bearer(merchant)).expect(200);
    await app.http.post('/v1/risk-rules').set(bearer(merchant)).send({ action: 'block', predicate: ':charges_per_card_hourly: > 15' }).expect(201);
    const body = { amount: 1_000, currency: 'usd', payment_method: { type: 'card', card: { number: '5555555555554444', exp_month: 12, exp_year: 2099 } } };
    const responses = await Promise.all(Array.from({ length: 20 }, () => app.http.post('/v1/payments').set(bearer(merchant)).send(body)));
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(201));
    const types = responses.map((response) => response.body.outcome.type as string);
    expect(types.filter((type) => type === 'blocked')).toHaveLength(5);
    expect(types.filter((type) => type === 'authorized')).toHaveLength(15);
    const db = app.sandbox.app.get(DataSource);
    const keys: Array<{ total: string; hour_expired: string; day_expired: string }> = await db.query(
      `SELECT total, hour_expired, day_expired FROM risk_velocity_keys WHERE merchant_id = $1 AND dimension = 'card'`,
      [merchant.id],
    );
    expect(keys).toEqual([{ total: '20', hour_expired: '0', day_expired: '0' }]);
    const [events] = await db.query(`SELECT count(*)::int AS count FROM risk_velocity_events WHERE merchant_id = $1 AND dimension = 'card'`, [merchant.id]);
    expect(events.count).toBe(20);
    // The 21st, a minute later, sees all 20 in its sliding hour and day (an allow rule on the exact counts lets it through).
    await app.http.post('/v1/test-clock/advance').set(bearer(merchant)).send({ by: '1m' }).expect(200);
    const allow = await app.http.post('/v1/risk-rules').set(bearer(merchant)).send({ action: 'allow', predicate: ':charges_per_card_hourly: = 21 and :charges_per_card_daily: = 21' }).expect(201);
    const next = await app.http.post('/v1/payments').set(bearer(merchant)).send(body).expect(201);
    expect(next.body).toMatchObject({ status: 'CAPTURED', outcome: { type: 'authorized', rule: { id: allow.body.id } } });
  });
});
