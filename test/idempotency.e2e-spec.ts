import type { Test } from 'supertest';
import { DataSource } from 'typeorm';
import { IdempotencyService } from '../src/idempotency/idempotency.service';
import { hashBody } from '../src/idempotency/request-fingerprint';
import { bearer, createMerchant, eventually, startTestApp, TestApp, TestMerchant } from './support/test-app';

let keySeq = 0;
function newKey(label = 'k'): string {
  keySeq += 1;
  return `${label}-${process.pid}-${Date.now()}-${keySeq}`;
}

describe('idempotency keys (e2e)', () => {
  let app: TestApp;
  let db: DataSource;
  let merchant: TestMerchant;

  beforeAll(async () => {
    app = await startTestApp({ DATABASE_POOL_SIZE: '12' });
    db = app.sandbox.app.get(DataSource);
    merchant = await createMerchant(app.http, 'Idempotency merchant');
  });

  afterAll(async () => {
    await app.close();
  });

  function post(path: string, body: Record<string, unknown>, key?: string, owner = merchant, target = app): Test {
    const request = target.http.post(path).set(bearer(owner));
    if (key !== undefined) request.set('Idempotency-Key', key);
    return request.send(body);
  }

  const paymentBody = { amount: 2500, currency: 'usd', description: 'idempotent order' };

  async function paymentCount(owner: TestMerchant): Promise<number> {
    const [row] = await db.query('SELECT COUNT(*)::int AS count FROM payments WHERE merchant_id = $1', [owner.id]);
    return row.count;
  }

  async function historyCount(paymentId: string): Promise<number> {
    const [row] = await db.query('SELECT COUNT(*)::int AS count FROM payment_history WHERE payment_id = $1', [paymentId]);
    return row.count;
  }

  async function eventCount(paymentId: string): Promise<number> {
    const [row] = await db.query('SELECT COUNT(*)::int AS count FROM events WHERE payment_id = $1', [paymentId]);
    return row.count;
  }

  async function keyRow(owner: TestMerchant, key: string): Promise<{ state: string; response_status: number | null } | undefined> {
    const rows = await db.query('SELECT state, response_status FROM idempotency_keys WHERE merchant_id = $1 AND key = $2', [owner.id, key]);
    return rows[0];
  }

  /** What a crash between "payment committed" and "result stored" leaves behind: an in-flight claim. */
  async function simulateCrash(owner: TestMerchant, key: string, lockAge: string): Promise<void> {
    await db.query(
      `UPDATE idempotency_keys SET state = 'in_flight', response_status = NULL, response_body = NULL, response_text = NULL,
              locked_at = now() - $3::interval WHERE merchant_id = $1 AND key = $2`,
      [owner.id, key, lockAge],
    );
  }

  describe('replay and mismatch', () => {
    it('replays the stored status and body with Idempotent-Replayed: true', async () => {
      const key = newKey();
      const before = await paymentCount(merchant);
      const first = await post('/v1/payments', paymentBody, key).expect(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const second = await post('/v1/payments', paymentBody, key).expect(201);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.body).toEqual(first.body);
      // Same body with keys in another order is the same request.
      const reordered = await post('/v1/payments', { description: 'idempotent order', currency: 'usd', amount: 2500 }, key).expect(201);
      expect(reordered.body.id).toBe(first.body.id);
      expect(await paymentCount(merchant)).toBe(before + 1);
      expect(await keyRow(merchant, key)).toEqual({ state: 'completed', response_status: 201 });
    });

    it('answers 422 idempotency_key_reused for a different body, path or endpoint', async () => {
      const key = newKey();
      const created = await post('/v1/payments', paymentBody, key).expect(201);
      const otherBody = await post('/v1/payments', { ...paymentBody, amount: 2501 }, key).expect(422);
      expect(otherBody.body.error).toMatchObject({
        type: 'idempotency_error',
        code: 'idempotency_key_reused',
        request_id: expect.any(String),
      });
      const otherPath = await post(`/v1/payments/${created.body.id}/refunds`, {}, key).expect(422);
      expect(otherPath.body.error.code).toBe('idempotency_key_reused');
      // Nothing was refunded by the refused request.
      const payment = await app.http.get(`/v1/payments/${created.body.id}`).set(bearer(merchant)).expect(200);
      expect(payment.body.amount_refunded).toBe(0);
    });

    it('scopes keys per merchant: the same key creates one payment for each', async () => {
      const second = await createMerchant(app.http, 'Second merchant');
      const key = newKey('shared');
      const a = await post('/v1/payments', paymentBody, key).expect(201);
      const b = await post('/v1/payments', paymentBody, key, second).expect(201);
      expect(b.headers['idempotent-replayed']).toBeUndefined();
      expect(b.body.id).not.toBe(a.body.id);
      expect(await paymentCount(second)).toBe(1);
    });

    it('ignores the header on GETs and on unauthenticated merchant sign-up', async () => {
      const key = newKey();
      await app.http.get('/v1/payments').set(bearer(merchant)).set('Idempotency-Key', key).expect(200);
      const one = await app.http.post('/v1/merchants').set('Idempotency-Key', key).send({ name: 'A' }).expect(201);
      const two = await app.http.post('/v1/merchants').set('Idempotency-Key', key).send({ name: 'A' }).expect(201);
      expect(two.body.id).not.toBe(one.body.id);
    });
  });

  describe('what is stored', () => {
    it('rejects a key longer than 255 characters or empty with 400 (param Idempotency-Key)', async () => {
      for (const key of ['x'.repeat(256), '']) {
        const response = await post('/v1/payments', paymentBody, key).expect(400);
        expect(response.body.error).toMatchObject({ code: 'parameter_invalid', param: 'Idempotency-Key' });
      }
      const longest = 'y'.repeat(250) + String(Date.now()).slice(-5);
      await post('/v1/payments', paymentBody, longest).expect(201);
      expect((await post('/v1/payments', paymentBody, longest).expect(201)).headers['idempotent-replayed']).toBe('true');
    });

    it('does not store validation failures: the corrected request with the same key runs', async () => {
      const key = newKey();
      const invalid = await post('/v1/payments', { ...paymentBody, amount: -1 }, key).expect(400);
      expect(invalid.body.error.param).toBe('amount');
      expect(await keyRow(merchant, key)).toBeUndefined();
      const badCard = { ...paymentBody, payment_method: { type: 'card', card: { number: '4242424242424241', exp_month: 12, exp_year: 2040 } } };
      expect((await post('/v1/payments', badCard, key).expect(400)).body.error.code).toBe('invalid_card_number');
      expect(await keyRow(merchant, key)).toBeUndefined();
      const fixed = await post('/v1/payments', paymentBody, key).expect(201);
      expect(fixed.headers['idempotent-replayed']).toBeUndefined();
    });

    it('stores real outcomes: a decline and a 409 state error replay as they were', async () => {
      const declineKey = newKey();
      const declined = await post('/v1/payments', { ...paymentBody, simulate: 'card_declined' }, declineKey).expect(201);
      expect(declined.body.status).toBe('FAILED');
      const declinedAgain = await post('/v1/payments', { ...paymentBody, simulate: 'card_declined' }, declineKey).expect(201);
      expect(declinedAgain.body).toEqual(declined.body);

      const captured = await post('/v1/payments', paymentBody).expect(201);
      const key = newKey();
      const refused = await post(`/v1/payments/${captured.body.id}/capture`, {}, key).expect(409);
      expect(refused.body.error.code).toBe('payment_invalid_state');
      const replayed = await post(`/v1/payments/${captured.body.id}/capture`, {}, key).expect(409);
      expect(replayed.headers['idempotent-replayed']).toBe('true');
      expect(replayed.body).toEqual(refused.body);
    });

    it('stores a 504 network_timeout and replays it', async () => {
      const key = newKey();
      const body = { ...paymentBody, simulate: 'network_timeout', simulate_delay_ms: 0 };
      const before = await paymentCount(merchant);
      const first = await post('/v1/payments', body, key).expect(504);
      expect(first.body.error).toMatchObject({ code: 'network_timeout', payment_id: expect.stringMatching(/^pay_/) });
      const second = await post('/v1/payments', body, key).expect(504);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.body).toEqual(first.body);
      expect(await paymentCount(merchant)).toBe(before + 1);
    });
  });

  describe('every POST is idempotent', () => {
    it('capture: the repeat replays 200 instead of 409, and captures once', async () => {
      const authorized = await post('/v1/payments', { ...paymentBody, capture_method: 'manual' }).expect(201);
      const key = newKey();
      const path = `/v1/payments/${authorized.body.id}/capture`;
      const first = await post(path, { amount: 2000 }, key).expect(200);
      const again = await post(path, { amount: 2000 }, key).expect(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(await historyCount(authorized.body.id)).toBe(3);
      expect((await post(path, { amount: 2000 }).expect(409)).body.error.code).toBe('payment_invalid_state');
    });

    it('cancel: the repeat replays 200', async () => {
      const authorized = await post('/v1/payments', { ...paymentBody, capture_method: 'manual' }).expect(201);
      const key = newKey();
      const path = `/v1/payments/${authorized.body.id}/cancel`;
      const first = await post(path, {}, key).expect(200);
      expect(first.body.status).toBe('CANCELED');
      const again = await post(path, {}, key).expect(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(await historyCount(authorized.body.id)).toBe(3);
    });

    it('refund: the repeat returns the same refund and refunds once', async () => {
      const captured = await post('/v1/payments', paymentBody).expect(201);
      const key = newKey();
      const path = `/v1/payments/${captured.body.id}/refunds`;
      const first = await post(path, { amount: 1000 }, key).expect(201);
      const again = await post(path, { amount: 1000 }, key).expect(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      const payment = await app.http.get(`/v1/payments/${captured.body.id}`).set(bearer(merchant)).expect(200);
      expect(payment.body.amount_refunded).toBe(1000);
      const refunds = await app.http.get(`/v1/refunds?payment_id=${captured.body.id}`).set(bearer(merchant)).expect(200);
      expect(refunds.body.data).toHaveLength(1);
    });
  });

  describe('concurrency and in-flight requests', () => {
    it('20 concurrent identical requests create exactly one payment, one history and one set of events', async () => {
      const owner = await createMerchant(app.http, 'Concurrent merchant');
      const key = newKey('burst');
      const responses = await Promise.all(Array.from({ length: 20 }, () => post('/v1/payments', paymentBody, key, owner)));
      const created = responses.filter((response) => response.status === 201);
      const inUse = responses.filter((response) => response.status === 409);
      expect(created.length + inUse.length).toBe(20);
      expect(created.filter((response) => response.headers['idempotent-replayed'] === undefined)).toHaveLength(1);
      expect(new Set(created.map((response) => response.body.id)).size).toBe(1);
      for (const response of inUse) expect(response.body.error.code).toBe('idempotency_key_in_use');
      expect(await paymentCount(owner)).toBe(1);
      const paymentId = created[0].body.id as string;
      expect(await historyCount(paymentId)).toBe(3);
      expect(await eventCount(paymentId)).toBe(3);
    });

    it('answers 409 idempotency_key_in_use while the first request is still running (simulated delay)', async () => {
      const key = newKey('slow');
      const body = { ...paymentBody, simulate_delay_ms: 1500 };
      const first = post('/v1/payments', body, key).then((response) => response);
      await eventually(async () => ((await keyRow(merchant, key))?.state === 'in_flight' ? true : undefined));
      const during = await post('/v1/payments', body, key).expect(409);
      expect(during.body.error).toMatchObject({ type: 'idempotency_error', code: 'idempotency_key_in_use' });
      const done = await first;
      expect(done.status).toBe(201);
      const after = await post('/v1/payments', body, key).expect(201);
      expect(after.headers['idempotent-replayed']).toBe('true');
      expect(after.body.id).toBe(done.body.id);
    });
  });

  describe('crash recovery', () => {
    it('a fresh in-flight claim is respected; a stale one is taken over and returns the committed payment', async () => {
      const key = newKey('crash');
      const first = await post('/v1/payments', paymentBody, key).expect(201);
      const count = await paymentCount(merchant);

      await simulateCrash(merchant, key, '10 seconds');
      expect((await post('/v1/payments', paymentBody, key).expect(409)).body.error.code).toBe('idempotency_key_in_use');

      await simulateCrash(merchant, key, '2 minutes');
      const retried = await post('/v1/payments', paymentBody, key).expect(201);
      expect(retried.body.id).toBe(first.body.id);
      expect(await paymentCount(merchant)).toBe(count);
      expect(await historyCount(first.body.id)).toBe(3);
      expect(await eventCount(first.body.id)).toBe(3);
      expect(await keyRow(merchant, key)).toEqual({ state: 'completed', response_status: 201 });
      // A different request under the stale key is still refused.
      await simulateCrash(merchant, key, '2 minutes');
      await post('/v1/payments', { ...paymentBody, amount: 1 }, key).expect(422);
    });

    it('a stale claim whose request died before committing runs the request once', async () => {
      const key = newKey('died');
      await db.query(
        `INSERT INTO idempotency_keys (merchant_id, key, method, path, body_hash, state, locked_at, expires_at)
         VALUES ($1, $2, 'POST', '/v1/payments', $3, 'in_flight', now() - interval '5 minutes', now() + interval '1 day')`,
        [merchant.id, key, hashBody(paymentBody)],
      );
      const count = await paymentCount(merchant);
      const response = await post('/v1/payments', paymentBody, key).expect(201);
      expect(response.headers['idempotent-replayed']).toBeUndefined();
      expect(await paymentCount(merchant)).toBe(count + 1);
      expect((await post('/v1/payments', paymentBody, key).expect(201)).body.id).toBe(response.body.id);
    });

    it('recovers a crashed refund and a crashed network_timeout payment without doing them twice', async () => {
      const captured = await post('/v1/payments', paymentBody).expect(201);
      const refundKey = newKey('refund-crash');
      const path = `/v1/payments/${captured.body.id}/refunds`;
      const refund = await post(path, { amount: 700 }, refundKey).expect(201);
      await simulateCrash(merchant, refundKey, '2 minutes');
      const retried = await post(path, { amount: 700 }, refundKey).expect(201);
      expect(retried.body).toEqual(refund.body);
      const payment = await app.http.get(`/v1/payments/${captured.body.id}`).set(bearer(merchant)).expect(200);
      expect(payment.body.amount_refunded).toBe(700);

      const timeoutKey = newKey('timeout-crash');
      const body = { ...paymentBody, simulate: 'network_timeout', simulate_delay_ms: 0 };
      const timedOut = await post('/v1/payments', body, timeoutKey).expect(504);
      const count = await paymentCount(merchant);
      await simulateCrash(merchant, timeoutKey, '2 minutes');
      const again = await post('/v1/payments', body, timeoutKey).expect(504);
      expect(again.body.error.payment_id).toBe(timedOut.body.error.payment_id);
      expect(await paymentCount(merchant)).toBe(count);
    });
  });

  describe('expiry', () => {
    it('treats an expired key as new: the same request creates a new payment, another body is accepted', async () => {
      const key = newKey('expired');
      const first = await post('/v1/payments', paymentBody, key).expect(201);
      await db.query("UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE merchant_id = $1 AND key = $2", [merchant.id, key]);
      const second = await post('/v1/payments', paymentBody, key).expect(201);
      expect(second.headers['idempotent-replayed']).toBeUndefined();
      expect(second.body.id).not.toBe(first.body.id);
      expect((await post('/v1/payments', paymentBody, key).expect(201)).body.id).toBe(second.body.id);

      await db.query("UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE merchant_id = $1 AND key = $2", [merchant.id, key]);
      const third = await post('/v1/payments', { ...paymentBody, amount: 999 }, key).expect(201);
      expect(third.body.amount).toBe(999);
    });

    it('cleans up expired rows and keeps live ones', async () => {
      const expiredKey = newKey('old');
      const liveKey = newKey('live');
      await post('/v1/payments', paymentBody, expiredKey).expect(201);
      await post('/v1/payments', paymentBody, liveKey).expect(201);
      await db.query("UPDATE idempotency_keys SET expires_at = now() - interval '1 hour' WHERE merchant_id = $1 AND key = $2", [merchant.id, expiredKey]);
      const deleted = await app.sandbox.app.get(IdempotencyService).cleanupExpired();
      expect(deleted).toBeGreaterThanOrEqual(1);
      expect(await keyRow(merchant, expiredKey)).toBeUndefined();
      expect(await keyRow(merchant, liveKey)).toEqual({ state: 'completed', response_status: 201 });
    });

    it('honours IDEMPOTENCY_TTL: replays while the key lives, runs the request anew after', async () => {
      const shortLived = await startTestApp({ IDEMPOTENCY_TTL: '4s' });
      try {
        const key = newKey('ttl');
        expect(shortLived.config.idempotencyTtlMs).toBe(4000);
        const owner = await createMerchant(shortLived.http, 'Short TTL merchant');
        const keyDb = shortLived.sandbox.app.get(DataSource);
        const ttlRow = async (): Promise<{ ttl_ms: string; live: boolean }> =>
          (await keyDb.query(
            'SELECT extract(epoch FROM expires_at - created_at) * 1000 AS ttl_ms, expires_at > now() AS live FROM idempotency_keys WHERE merchant_id = $1 AND key = $2',
            [owner.id, key],
          ))[0];
        const first = await post('/v1/payments', paymentBody, key, owner, shortLived).expect(201);
        expect(Number((await ttlRow()).ttl_ms)).toBe(4000);
        const replay = await post('/v1/payments', paymentBody, key, owner, shortLived).expect(201);
        // Still live after the replay answered, so it must have been a replay (the key cannot have expired before).
        expect((await ttlRow()).live).toBe(true);
        expect(replay.headers['idempotent-replayed']).toBe('true');
        expect(replay.body.id).toBe(first.body.id);
        const renewed = await eventually(async () => {
          const response = await post('/v1/payments', paymentBody, key, owner, shortLived).expect(201);
          return response.headers['idempotent-replayed'] === undefined ? response : undefined;
        }, 20_000, 200);
        expect(renewed.body.id).not.toBe(first.body.id);
      } finally {
        await shortLived.close();
      }
    });
  });

  describe('secret-bearing responses', () => {
    const secretsStored = async (owner: TestMerchant): Promise<number> =>
      (await db.query("SELECT count(*)::int AS n FROM idempotency_keys WHERE merchant_id = $1 AND coalesce(response_text, response_body::text) LIKE '%whsec_%'", [owner.id]))[0].n;

    it('creates a webhook endpoint once per key, never stores its secret, and replays it with secret null', async () => {
      const key = newKey('endpoint');
      const body = { url: 'https://hooks.example.test/idempotent' };
      const first = await post('/v1/webhook-endpoints', body, key).expect(201);
      expect(first.body.secret).toMatch(/^whsec_/);
      const replay = await post('/v1/webhook-endpoints', body, key).expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual({ ...first.body, secret: null });
      const [row] = await db.query('SELECT response_text FROM idempotency_keys WHERE merchant_id = $1 AND key = $2', [merchant.id, key]);
      expect(JSON.parse(row.response_text)).toEqual({ ...first.body, secret: null });
      expect(await secretsStored(merchant)).toBe(0);
      const [count] = await db.query('SELECT count(*)::int AS n FROM webhook_endpoints WHERE merchant_id = $1 AND url = $2', [merchant.id, body.url]);
      expect(count.n).toBe(1);
    });

    it('rotates a secret once per key, never stores the new secret, and replays it with secret null', async () => {
      const created = await post('/v1/webhook-endpoints', { url: 'https://hooks.example.test/rotate' }).expect(201);
      const key = newKey('rotate');
      const rotated = await post(`/v1/webhook-endpoints/${created.body.id}/rotate-secret`, {}, key).expect(200);
      expect(rotated.body.secret).toMatch(/^whsec_/);
      expect(rotated.body.secret).not.toBe(created.body.secret);
      const replay = await post(`/v1/webhook-endpoints/${created.body.id}/rotate-secret`, {}, key).expect(200);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual({ ...rotated.body, secret: null });
      expect(await secretsStored(merchant)).toBe(0);
      // Rotated once: the replay did not rotate again (the stored secret is still the one the first answer gave).
      const [row] = await db.query('SELECT secret FROM webhook_endpoints WHERE id = $1', [created.body.id]);
      expect(row.secret).toBe(rotated.body.secret);
    });
  });
});
