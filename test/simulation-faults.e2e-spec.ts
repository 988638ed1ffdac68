import { DataSource } from 'typeorm';
import { listenOnEphemeralPort, rawPost } from './support/raw-http';
import { bearer, createMerchant, startTestApp, TestApp, TestMerchant } from './support/test-app';

const PAYMENT = { amount: 1500, currency: 'usd' };

describe('Sandbox-Simulate header and API faults (e2e)', () => {
  let app: TestApp;
  let db: DataSource;
  let merchant: TestMerchant;
  let port: number;

  beforeAll(async () => {
    app = await startTestApp();
    db = app.sandbox.app.get(DataSource);
    merchant = await createMerchant(app.http, 'faults');
    port = await listenOnEphemeralPort(app.sandbox);
  }, 60_000);

  afterAll(async () => {
    await app.close();
  });

  /** What the database holds for this merchant: payments, refunds, events, idempotency keys. */
  async function stored(): Promise<{ payments: number; refunds: number; events: number }> {
    const [row] = await db.query(
      `SELECT (SELECT count(*)::int FROM payments WHERE merchant_id = $1) AS payments,
              (SELECT count(*)::int FROM refunds WHERE merchant_id = $1) AS refunds,
              (SELECT count(*)::int FROM events WHERE merchant_id = $1) AS events`,
      [merchant.id],
    );
    return row;
  }

  async function capturedPayment(): Promise<string> {
    const response = await app.http.post('/v1/payments').set(bearer(merchant)).send(PAYMENT).expect(201);
    return response.body.id;
  }

  describe('Sandbox-Simulate header', () => {
    it('drives the outcome of a payment like the body does', async () => {
      const response = await app.http.post('/v1/payments').set(bearer(merchant)).set('Sandbox-Simulate', 'insufficient_funds').send(PAYMENT).expect(201);
      expect(response.body).toMatchObject({ status: 'FAILED', failure_code: 'insufficient_funds' });
    });

    it('loses to the body when both are given', async () => {
      const response = await app.http
        .post('/v1/payments')
        .set(bearer(merchant))
        .set('Sandbox-Simulate', 'card_declined')
        .send({ ...PAYMENT, simulate: 'success' })
        .expect(201);
      expect(response.body.status).toBe('CAPTURED');
    });

    it('drives a refund (refund_failure → FAILED refund, payment untouched)', async () => {
      const paymentId = await capturedPayment();
      const refund = await app.http.post(`/v1/payments/${paymentId}/refunds`).set(bearer(merchant)).set('Sandbox-Simulate', 'refund_failure').send({}).expect(201);
      expect(refund.body).toMatchObject({ status: 'FAILED', failure_code: 'refund_failure' });
      const payment = await app.http.get(`/v1/payments/${paymentId}`).set(bearer(merchant)).expect(200);
      expect(payment.body).toMatchObject({ status: 'CAPTURED', amount_refunded: 0 });
    });

    it.each([
      ['an unknown value', 'card_exploded'],
      ['odd characters', 'card_declined;drop'],
      ['upper case', 'CARD_DECLINED'],
      ['an empty value', ''],
    ])('%s → 400 param Sandbox-Simulate listing the valid values, nothing stored', async (_label, value) => {
      const before = await stored();
      const response = await app.http.post('/v1/payments').set(bearer(merchant)).set('Sandbox-Simulate', value).send(PAYMENT).expect(400);
      expect(response.body.error).toMatchObject({ code: 'parameter_invalid', param: 'Sandbox-Simulate' });
      expect(response.body.error.message).toContain('card_declined, insufficient_funds');
      expect(response.body.error.valid_values).toEqual(expect.arrayContaining(['success', 'api_error', 'lost_response']));
      expect(await stored()).toEqual(before);
    });

    it('a bad header is refused even when the body names a valid value', async () => {
      await app.http.post('/v1/payments').set(bearer(merchant)).set('Sandbox-Simulate', 'nope').send({ ...PAYMENT, simulate: 'success' }).expect(400);
    });

    it('refund routes list their own vocabulary', async () => {
      const paymentId = await capturedPayment();
      const response = await app.http.post(`/v1/payments/${paymentId}/refunds`).set(bearer(merchant)).set('Sandbox-Simulate', 'card_declined').send({}).expect(400);
      expect(response.body.error.param).toBe('Sandbox-Simulate');
      expect(response.body.error.valid_values).toEqual(['refund_failure', 'fail_later', 'api_error', 'service_unavailable', 'connection_reset', 'lost_response']);
    });

    it('an unknown body simulate is still a 400 on simulate', async () => {
      const response = await app.http.post('/v1/payments').set(bearer(merchant)).send({ ...PAYMENT, simulate: 'explode' }).expect(400);
      expect(response.body.error.param).toBe('simulate');
    });
  });

  describe('faults that commit nothing', () => {
    it('api_error → 500 api_error, nothing stored; the same Idempotency-Key then runs for real', async () => {
      const before = await stored();
      const key = `api-error-${Date.now()}`;
      const failed = await app.http.post('/v1/payments').set(bearer(merchant)).set('Idempotency-Key', key).set('Sandbox-Simulate', 'api_error').send(PAYMENT).expect(500);
      expect(failed.body.error).toMatchObject({ type: 'api_error', code: 'api_error' });
      expect(await stored()).toEqual(before);
      const retried = await app.http.post('/v1/payments').set(bearer(merchant)).set('Idempotency-Key', key).send(PAYMENT).expect(201);
      expect(retried.headers['idempotent-replayed']).toBeUndefined();
      expect(retried.body.status).toBe('CAPTURED');
      expect((await stored()).payments).toBe(before.payments + 1);
    });

    it('service_unavailable → 503 with Retry-After, nothing stored', async () => {
      const before = await stored();
      const response = await app.http.post('/v1/payments').set(bearer(merchant)).send({ ...PAYMENT, simulate: 'service_unavailable' }).expect(503);
      expect(response.headers['retry-after']).toBe('1');
      expect(response.body.error).toMatchObject({ type: 'api_error', code: 'service_unavailable' });
      expect(await stored()).toEqual(before);
    });

    it('connection_reset → the socket is closed without an HTTP response, nothing stored', async () => {
      const before = await stored();
      const outcome = await rawPost(port, '/v1/payments', { ...bearer(merchant), 'Sandbox-Simulate': 'connection_reset' }, PAYMENT);
      expect(outcome.kind).toBe('reset');
      expect(await stored()).toEqual(before);
    });

    it.each(['api_error', 'service_unavailable', 'connection_reset'])('%s on a refund leaves payment and refunds untouched', async (fault) => {
      const paymentId = await capturedPayment();
      const before = await stored();
      const outcome = await rawPost(port, `/v1/payments/${paymentId}/refunds`, { ...bearer(merchant), 'Sandbox-Simulate': fault }, {});
      if (fault === 'connection_reset') expect(outcome.kind).toBe('reset');
      else expect(outcome).toMatchObject({ kind: 'response', status: fault === 'api_error' ? 500 : 503 });
      expect(await stored()).toEqual(before);
      const payment = await app.http.get(`/v1/payments/${paymentId}`).set(bearer(merchant)).expect(200);
      expect(payment.body).toMatchObject({ status: 'CAPTURED', amount_refunded: 0 });
    });
  });

  describe('lost_response (real HTTP client)', () => {
    it('commits the payment, closes the socket; the retry with the same key answers the committed payment', async () => {
      const before = await stored();
      const key = `lost-${Date.now()}`;
      const headers = { ...bearer(merchant), 'Idempotency-Key': key };
      const lost = await rawPost(port, '/v1/payments', headers, { ...PAYMENT, simulate: 'lost_response' });
      expect(lost.kind).toBe('reset');
      const committed = await db.query('SELECT id, status FROM payments WHERE merchant_id = $1 AND idempotency_key LIKE $2', [merchant.id, `${key}#%`]);
      expect(committed).toEqual([{ id: expect.any(String), status: 'CAPTURED' }]);

      const retry = await rawPost(port, '/v1/payments', headers, { ...PAYMENT, simulate: 'lost_response' });
      expect(retry).toMatchObject({ kind: 'response', status: 201, headers: { 'idempotent-replayed': 'true' } });
      expect(retry.kind === 'response' && retry.body.id).toBe(committed[0].id);
      const after = await stored();
      expect(after.payments).toBe(before.payments + 1);
      expect(after.events).toBe(before.events + 3); // created, authorized, captured — once
    });

    it('via the header, the retry without the header (same body) gets the committed payment', async () => {
      const key = `lost-header-${Date.now()}`;
      const lost = await rawPost(port, '/v1/payments', { ...bearer(merchant), 'Idempotency-Key': key, 'Sandbox-Simulate': 'lost_response' }, PAYMENT);
      expect(lost.kind).toBe('reset');
      const retry = await rawPost(port, '/v1/payments', { ...bearer(merchant), 'Idempotency-Key': key }, PAYMENT);
      expect(retry).toMatchObject({ kind: 'response', status: 201 });
      const rows = await db.query('SELECT id FROM payments WHERE merchant_id = $1 AND idempotency_key LIKE $2', [merchant.id, `${key}#%`]);
      expect(rows).toEqual([{ id: retry.kind === 'response' ? retry.body.id : 'none' }]);
    });

    it('on a refund: the refund commits once, the retry answers it', async () => {
      const paymentId = await capturedPayment();
      const key = `lost-refund-${Date.now()}`;
      const headers = { ...bearer(merchant), 'Idempotency-Key': key };
      const lost = await rawPost(port, `/v1/payments/${paymentId}/refunds`, headers, { amount: 500, simulate: 'lost_response' });
      expect(lost.kind).toBe('reset');
      const retry = await rawPost(port, `/v1/payments/${paymentId}/refunds`, headers, { amount: 500, simulate: 'lost_response' });
      expect(retry).toMatchObject({ kind: 'response', status: 201, body: { status: 'SUCCEEDED', amount: 500 } });
      const refunds = await db.query('SELECT id FROM refunds WHERE payment_id = $1', [paymentId]);
      expect(refunds).toEqual([{ id: retry.kind === 'response' ? retry.body.id : 'none' }]);
      const payment = await app.http.get(`/v1/payments/${paymentId}`).set(bearer(merchant)).expect(200);
      expect(payment.body).toMatchObject({ status: 'PARTIALLY_REFUNDED', amount_refunded: 500 });
    });
  });

  it('counts every fault served in sandbox_simulated_faults_total', async () => {
    const metrics = await app.http.get('/metrics').expect(200);
    const value = (fault: string, operation: string) => {
      const line = metrics.text.split('\n').find((candidate) => candidate.startsWith(`sandbox_simulated_faults_total{fault="${fault}",operation="${operation}"}`));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    expect(value('api_error', 'payment.create')).toBe(1);
    expect(value('service_unavailable', 'payment.create')).toBe(1);
    expect(value('connection_reset', 'payment.create')).toBe(1);
    expect(value('lost_response', 'payment.create')).toBe(2);
    expect(value('connection_reset', 'refund.create')).toBe(1);
    expect(value('lost_response', 'refund.create')).toBe(1);
  });
});
