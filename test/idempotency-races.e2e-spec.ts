import { Client } from 'pg';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { bearer, createMerchant, startTestApp, TestApp, TestMerchant } from './support/test-app';

/**
 * Same-key races on every state-changing POST, and the database's own guard on amount_captured.
 * On Postgres (e2e) the racing requests really overlap (pool of 12); the embedded PGlite has one
 * connection, so there they are serialised and only the replay path is exercised (see README).
 */
const RACERS = 10;
let keySeq = 0;
const newKey = (label: string) => `race-${label}-${process.pid}-${Date.now()}-${++keySeq}`;

describe('idempotency under same-key races (e2e)', () => {
  let app: TestApp;
  let db: DataSource;
  let merchant: TestMerchant;

  beforeAll(async () => {
    app = await startTestApp({ DATABASE_POOL_SIZE: '12' });
    db = app.sandbox.app.get(DataSource);
    merchant = await createMerchant(app.http, 'Races');
  });

  afterAll(async () => {
    await app.http.delete('/v1/merchants/me').set(bearer(merchant));
    await app.close();
  });

  const post = (path: string, body: object, key: string) => app.http.post(path).set(bearer(merchant)).set('Idempotency-Key', key).send(body);
  const race = (path: string, bodies: object[], key: string): Promise<Response[]> => Promise.all(bodies.map((body) => post(path, body, key)));
  const payment = async (body: object = {}) =>
    (await app.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 5000, currency: 'usd', ...body }).expect(201)).body as { id: string };

  /** One winner (`okStatus`), every other answer a replay of it or 409 idempotency_key_in_use. */
  function expectOneEffect(responses: Response[], okStatus: number): Record<string, unknown> {
    const ok = responses.filter((r) => r.status === okStatus);
    const others = responses.filter((r) => r.status !== okStatus);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const response of others) expect({ status: response.status, code: response.body.error?.code }).toEqual({ status: 409, code: 'idempotency_key_in_use' });
    const fresh = ok.filter((r) => r.headers['idempotent-replayed'] !== 'true');
    expect(fresh).toHaveLength(1);
    for (const replay of ok) expect(replay.body).toEqual(fresh[0].body);
    return fresh[0].body;
  }

  const historyTo = async (paymentId: string, status: string) =>
    (await db.query('SELECT count(*)::int AS n FROM payment_history WHERE payment_id = $1 AND to_status = $2', [paymentId, status]))[0].n;
  const eventsOf = async (paymentId: string, type: string) =>
    (await db.query('SELECT count(*)::int AS n FROM events WHERE payment_id = $1 AND type = $2', [paymentId, type]))[0].n;

  it('refund: one refund, the payment refunded once, one refund event', async () => {
    const paid = await payment({ amount: 10_000 });
    const refund = expectOneEffect(await race(`/v1/payments/${paid.id}/refunds`, Array(RACERS).fill({ amount: 2500 }), newKey('refund')), 201);
    const rows = await db.query('SELECT id, amount FROM refunds WHERE payment_id = $1', [paid.id]);
    expect(rows.map((row: { id: string; amount: string }) => [row.id, Number(row.amount)])).toEqual([[refund.id, 2500]]);
    expect((await app.http.get(`/v1/payments/${paid.id}`).set(bearer(merchant)).expect(200)).body).toMatchObject({ amount_refunded: 2500, status: 'PARTIALLY_REFUNDED' });
    expect(await eventsOf(paid.id, 'refund.succeeded')).toBe(1);
  });

  it('capture: captured once, one history row, one payment.captured event', async () => {
    const authorized = await payment({ capture_method: 'manual' });
    const captured = expectOneEffect(await race(`/v1/payments/${authorized.id}/capture`, Array(RACERS).fill({}), newKey('capture')), 200);
    expect(captured).toMatchObject({ id: authorized.id, status: 'CAPTURED', amount_captured: 5000 });
    expect(await historyTo(authorized.id, 'CAPTURED')).toBe(1);
    expect(await eventsOf(authorized.id, 'payment.captured')).toBe(1);
  });

  it('cancel: canceled once, one history row, one payment.canceled event', async () => {
    const authorized = await payment({ capture_method: 'manual' });
    const canceled = expectOneEffect(await race(`/v1/payments/${authorized.id}/cancel`, Array(RACERS).fill({}), newKey('cancel')), 200);
    expect(canceled).toMatchObject({ id: authorized.id, status: 'CANCELED' });
    expect(await historyTo(authorized.id, 'CANCELED')).toBe(1);
    expect(await eventsOf(authorized.id, 'payment.canceled')).toBe(1);
  });

  it('one key raced with two different bodies: one effect; the rest replay it (same body), 409 or 422', async () => {
    const paid = await payment({ amount: 10_000 });
    const key = newKey('two-bodies');
    const bodies = Array.from({ length: RACERS }, (_, i) => ({ amount: i % 2 ? 1000 : 2000 }));
    const responses = await race(`/v1/payments/${paid.id}/refunds`, bodies, key);
    const rows: Array<{ id: string; amount: string }> = await db.query('SELECT id, amount FROM refunds WHERE payment_id = $1', [paid.id]);
    expect(rows).toHaveLength(1);
    const winner = { id: rows[0].id, amount: Number(rows[0].amount) };
    responses.forEach((response, i) => {
      if (response.status === 201) {
        // Only the winner's body gets it (as the first answer or a replay); the other body never does.
        expect({ sent: bodies[i].amount, id: response.body.id, amount: response.body.amount }).toEqual({ sent: winner.amount, ...winner });
      } else {
        expect([
          [409, 'idempotency_key_in_use'],
          [422, 'idempotency_key_reused'],
        ]).toContainEqual([response.status, response.body.error?.code]);
      }
    });
    for (const reused of responses.filter((r) => r.status === 422)) expect(reused.body.error.param).toBe('Idempotency-Key');
    expect((await app.http.get(`/v1/payments/${paid.id}`).set(bearer(merchant)).expect(200)).body.amount_refunded).toBe(winner.amount);
    // Afterwards the loser's body is a reuse (422), the winner's a replay.
    const loserBody = { amount: winner.amount === 1000 ? 2000 : 1000 };
    const reuse = await post(`/v1/payments/${paid.id}/refunds`, loserBody, key).expect(422);
    expect(reuse.body.error).toMatchObject({ code: 'idempotency_key_reused', param: 'Idempotency-Key' });
  });

  it('two bodies on one key for create: one payment', async () => {
    const key = newKey('create-two-bodies');
    const bodies = Array.from({ length: RACERS }, (_, i) => ({ amount: i % 2 ? 1111 : 2222, currency: 'usd' }));
    const responses = await race('/v1/payments', bodies, key);
    const ids = new Set(responses.filter((r) => r.status === 201).map((r) => r.body.id));
    expect(ids.size).toBe(1);
    const [row] = await db.query("SELECT count(*)::int AS n FROM payments WHERE merchant_id = $1 AND split_part(idempotency_key, '#', 1) = $2", [merchant.id, key]);
    expect(row.n).toBe(1);
    for (const response of responses.filter((r) => r.status !== 201)) {
      expect([
        [409, 'idempotency_key_in_use'],
        [422, 'idempotency_key_reused'],
      ]).toContainEqual([response.status, response.body.error?.code]);
    }
  });

  it('the database itself refuses amount_captured above amount (payments_amount_captured_chk)', async () => {
    const authorized = await payment({ amount: 500, capture_method: 'manual' });
    const client = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await client.connect();
    try {
      await expect(client.query('UPDATE payments SET amount_captured = 501 WHERE id = $1', [authorized.id])).rejects.toThrow(/payments_amount_captured_chk/);
      await expect(client.query('UPDATE payments SET amount_captured = -1 WHERE id = $1', [authorized.id])).rejects.toThrow(/payments_amount_captured_chk/);
    } finally {
      await client.end();
    }
    expect((await app.http.get(`/v1/payments/${authorized.id}`).set(bearer(merchant)).expect(200)).body.amount_captured).toBe(0);
  });
});
