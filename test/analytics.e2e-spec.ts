import { DataSource } from 'typeorm';
import { bearer, createMerchant, startTestApp, TestApp, TestMerchant } from './support/test-app';
import { seedPayments } from './support/seed-payments';

jest.setTimeout(30_000);

describe('GET /v1/analytics/summary (e2e)', () => {
  let app: TestApp;
  let merchant: TestMerchant;
  let other: TestMerchant;
  const range = 'from=2026-03-01T00:00:00Z&to=2026-03-11T00:00:00Z';

  beforeAll(async () => {
    app = await startTestApp();
    merchant = await createMerchant(app.http, 'Analytics merchant');
    other = await createMerchant(app.http, 'Other merchant');
    const db = app.sandbox.app.get(DataSource);
    await seedPayments(db, merchant.id, 1000, '2026-03-01T00:00:00Z'); // 1000 × 10 min: inside the range
    await seedPayments(db, merchant.id, 50, '2025-01-01T00:00:00Z'); // before it
    await seedPayments(db, merchant.id, 20, '2026-03-11T00:00:00Z'); // at `to`: excluded (to is exclusive)
    await seedPayments(db, other.id, 300, '2026-03-02T00:00:00Z'); // another merchant, same range
  });

  afterAll(async () => {
    for (const m of [merchant, other]) await app.http.delete('/v1/merchants/me').set(bearer(m));
    await app.close();
  });

  it('answers counts and volume by status and currency, success rate and top declines for the seeded set', async () => {
    const response = await app.http.get(`/v1/analytics/summary?${range}`).set(bearer(merchant)).expect(200);
    expect(response.body).toEqual({
      object: 'analytics_summary',
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-03-11T00:00:00.000Z',
      count: 1000,
      by_status: [
        { status: 'AUTHORIZED', count: 100 },
        { status: 'CAPTURED', count: 600 },
        { status: 'CREATED', count: 100 },
        { status: 'FAILED', count: 200 },
      ],
      by_currency: [
        { currency: 'EUR', count: 500, volume: 300_000, captured_volume: 120_000, refunded_volume: 0 },
        { currency: 'USD', count: 500, volume: 250_000, captured_volume: 90_000, refunded_volume: 0 },
      ],
      by_status_and_currency: [
        { status: 'AUTHORIZED', currency: 'USD', count: 100, volume: 90_000 },
        { status: 'CAPTURED', currency: 'EUR', count: 300, volume: 120_000 },
        { status: 'CAPTURED', currency: 'USD', count: 300, volume: 90_000 },
        { status: 'CREATED', currency: 'EUR', count: 100, volume: 100_000 },
        { status: 'FAILED', currency: 'EUR', count: 100, volume: 80_000 },
        { status: 'FAILED', currency: 'USD', count: 100, volume: 70_000 },
      ],
      success_rate: 0.7778, // (600 captured + 100 authorized) / (700 + 200 failed); CREATED is pending
      top_decline_codes: [
        { code: 'card_declined', count: 100 },
        { code: 'insufficient_funds', count: 100 },
      ],
      connectors: [],
    });
  });

  it('scopes to the caller and to the range', async () => {
    const theirs = await app.http.get(`/v1/analytics/summary?${range}`).set(bearer(other)).expect(200);
    expect(theirs.body.count).toBe(300);
    const narrow = await app.http.get('/v1/analytics/summary?from=2026-03-01T00:00:00Z&to=2026-03-01T01:00:00Z').set(bearer(merchant)).expect(200);
    expect(narrow.body.count).toBe(6); // minutes 0, 10, …, 50
    const empty = await app.http.get('/v1/analytics/summary?from=2020-01-01&to=2020-02-01').set(bearer(merchant)).expect(200);
    expect(empty.body).toMatchObject({ count: 0, by_status: [], success_rate: null, top_decline_codes: [] });
    const defaults = await app.http.get('/v1/analytics/summary').set(bearer(merchant)).expect(200);
    expect(Date.parse(defaults.body.to) - Date.parse(defaults.body.from)).toBe(30 * 86_400_000);
  });

  it.each([
    ['from=2026-03-11&to=2026-03-01', 'from'],
    ['from=2025-01-01&to=2026-03-01', 'to'],
    ['from=yesterday', 'from'],
    ['to=2026-13-45', 'to'],
    ['from=2026-03-01&window=7d', 'window'],
  ])('refuses %s (param %s)', async (query, param) => {
    const response = await app.http.get(`/v1/analytics/summary?${query}`).set(bearer(merchant)).expect(400);
    expect(response.body.error).toMatchObject({ type: 'invalid_request_error', param });
  });

  it('needs an API key', async () => {
    await app.http.get(`/v1/analytics/summary?${range}`).expect(401);
  });
});
