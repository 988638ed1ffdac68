import { DataSource } from 'typeorm';
import { PAYMENT_SIMULATE_VALUES, REFUND_SIMULATE_VALUES } from '../src/simulation/simulation-vocabulary';
import { listenOnEphemeralPort, rawPost, rawSocketPost } from './support/raw-http';
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

  /** What the database holds for a merchant: payments, refunds, events, recorded simulated faults. */
  async function stored(who: TestMerchant = merchant): Promise<{ payments: number; refunds: number; events: number; faults: number }> {
    const [row] = await db.query(
      `SELECT (SELECT count(*)::int FROM payments WHERE merchant_id = $1) AS payments,
              (SELECT count(*)::int FROM refunds WHERE merchant_id = $1) AS refunds,
              (SELECT count(*)::int FROM events WHERE merchant_id = $1) AS events,
              (SELECT count(*)::int FROM simulated_faults WHERE merchant_id = $1) AS faults`,
      [who.id],
    );
    return row;
  }

  /** sandbox_simulated_faults_total{fault, operation} as /metrics shows it now. */
  async function faultCount(fault: string, operation: string): Promise<number> {
    const metrics = await app.http.get('/metrics').expect(200);
    const line = metrics.text.split('\n').find((candidate) => candidate.startsWith(`sandbox_simulated_faults_total{fault="${fault}",operation="${operation}"}`));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  type Entry = { type: string; trigger?: string; request_id?: string; [field: string]: unknown };
  const timeline = async (paymentId: string): Promise<Entry[]> =>
    (await app.http.get(`/v1/payments/${paymentId}/timeline`).set(bearer(merchant)).expect(200)).body.data;

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
      expect(after.faults).toBe(before.faults + 1); // the lost answer, once (the replay records nothing)

      // The payment's timeline says its answer was lost on purpose, by the request that committed it.
      const entries = await timeline(committed[0].id);
      const create = entries.find((entry) => entry.type === 'transition' && entry.trigger === 'CREATE')!;
      const faults = entries.filter((entry) => entry.type === 'simulated_fault');
      expect(faults).toEqual([
        {
          type: 'simulated_fault',
          at: create.at,
          id: expect.stringMatching(/^sfl_/),
          fault: 'lost_response',
          operation: 'payment.create',
          refund_id: null,
          api_key_id: merchant.apiKeyId,
          request_id: create.request_id,
        },
      ]);
      expect(retry.kind === 'response' && retry.headers['request-id']).not.toBe(create.request_id);
      // After the commit's transitions and events, before their deliveries.
      expect(entries.map((entry) => entry.type).filter((type) => type !== 'delivery').pop()).toBe('simulated_fault');
    });

    it('a declined payment with lost_response is committed FAILED and recorded the same way', async () => {
      const key = `lost-declined-${Date.now()}`;
      const declined = { ...PAYMENT, payment_method: { type: 'card', card: { number: '4000000000000002', exp_month: 12, exp_year: new Date().getUTCFullYear() + 2 } } };
      const lost = await rawPost(port, '/v1/payments', { ...bearer(merchant), 'Idempotency-Key': key, 'Sandbox-Simulate': 'lost_response' }, declined);
      expect(lost.kind).toBe('reset');
      const retry = await rawPost(port, '/v1/payments', { ...bearer(merchant), 'Idempotency-Key': key, 'Sandbox-Simulate': 'lost_response' }, declined);
      expect(retry).toMatchObject({ kind: 'response', status: 201, body: { status: 'FAILED', failure_code: 'card_declined' } });
      const paymentId = retry.kind === 'response' ? String(retry.body.id) : 'none';
      const faults = (await timeline(paymentId)).filter((entry) => entry.type === 'simulated_fault');
      expect(faults).toMatchObject([{ fault: 'lost_response', operation: 'payment.create', refund_id: null }]);
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
      // On the payment's timeline: the refund's answer was lost, by the request that made the REFUND transition.
      const entries = await timeline(paymentId);
      const refundStep = entries.find((entry) => entry.type === 'transition' && entry.trigger === 'REFUND')!;
      expect(entries.filter((entry) => entry.type === 'simulated_fault')).toEqual([
        {
          type: 'simulated_fault',
          at: retry.kind === 'response' ? retry.body.created_at : 'none',
          id: expect.stringMatching(/^sfl_/),
          fault: 'lost_response',
          operation: 'refund.create',
          refund_id: retry.kind === 'response' ? retry.body.id : 'none',
          api_key_id: merchant.apiKeyId,
          request_id: refundStep.request_id,
        },
      ]);
    });
  });

  describe('sandbox_simulated_faults_total on /metrics', () => {
    it.each([
      ['api_error', 'payment.create', 'body'],
      ['service_unavailable', 'payment.create', 'header'],
      ['connection_reset', 'payment.create', 'body'],
      ['lost_response', 'payment.create', 'header'],
      ['api_error', 'refund.create', 'header'],
      ['service_unavailable', 'refund.create', 'body'],
      ['connection_reset', 'refund.create', 'header'],
      ['lost_response', 'refund.create', 'body'],
    ])('%s on %s (via the %s) counts exactly one, and nothing else', async (fault, operation, via) => {
      const path = operation === 'payment.create' ? '/v1/payments' : `/v1/payments/${await capturedPayment()}/refunds`;
      const body = operation === 'payment.create' ? PAYMENT : { amount: 100 };
      const all = async () => {
        const counts: Record<string, number> = {};
        for (const name of ['api_error', 'service_unavailable', 'connection_reset', 'lost_response']) {
          for (const op of ['payment.create', 'refund.create']) counts[`${name} ${op}`] = await faultCount(name, op);
        }
        return counts;
      };
      const before = await all();
      const headers = { ...bearer(merchant), 'Idempotency-Key': `metric-${fault}-${operation}-${Date.now()}`, ...(via === 'header' ? { 'Sandbox-Simulate': fault } : {}) };
      await rawPost(port, path, headers, via === 'body' ? { ...body, simulate: fault } : body);
      // A replay of a lost response is answered, not faulted again: still one.
      if (fault === 'lost_response') expect(await rawPost(port, path, headers, via === 'body' ? { ...body, simulate: fault } : body)).toMatchObject({ status: 201 });
      expect(await all()).toEqual({ ...before, [`${fault} ${operation}`]: before[`${fault} ${operation}`] + 1 });
    });
  });

  describe('bad input: 400 with param, nothing stored', () => {
    let quiet: TestMerchant;
    let paymentId: string;

    beforeAll(async () => {
      quiet = await createMerchant(app.http, 'faults-bad-input');
      paymentId = (await app.http.post('/v1/payments').set(bearer(quiet)).send(PAYMENT).expect(201)).body.id;
    });

    /** What the API lists for the merchant (payments, refunds, events), and what the database holds. */
    async function snapshot() {
      const list = async (path: string) =>
        (await app.http.get(`${path}?limit=100`).set(bearer(quiet)).expect(200)).body.data.map((item: { id: string }) => item.id);
      const payment = (await app.http.get(`/v1/payments/${paymentId}`).set(bearer(quiet)).expect(200)).body;
      return {
        payments: await list('/v1/payments'),
        refunds: await list('/v1/refunds'),
        events: await list('/v1/events'),
        payment: { status: payment.status, amount_refunded: payment.amount_refunded },
        database: await stored(quiet),
      };
    }

    const routes = () => [
      { name: 'payment create', path: '/v1/payments', body: PAYMENT as Record<string, unknown>, valid: PAYMENT_SIMULATE_VALUES as readonly string[] },
      { name: 'refund create', path: `/v1/payments/${paymentId}/refunds`, body: { amount: 100 } as Record<string, unknown>, valid: REFUND_SIMULATE_VALUES as readonly string[] },
    ];

    it.each([0, 1])('an unknown fault name in the body (route %#) → 400 param simulate listing every valid value', async (route) => {
      const { path, body, valid } = routes()[route];
      const before = await snapshot();
      const response = await app.http.post(path).set(bearer(quiet)).send({ ...body, simulate: 'lost_connection' }).expect(400);
      expect(response.body.error).toMatchObject({ code: 'parameter_invalid', param: 'simulate' });
      for (const value of valid) expect(response.body.error.message).toContain(value);
      expect(await snapshot()).toEqual(before);
    });

    const ODD_VALUES: Array<[string, Buffer]> = [
      ['a control character (SOH)', Buffer.from('api_\x01error', 'latin1')],
      ['a control character (DEL)', Buffer.from('lost_response\x7f', 'latin1')],
      ['a NUL byte', Buffer.from('api_error\x00', 'latin1')],
      ['a tab inside', Buffer.from('api_error\tx', 'latin1')],
      ['unicode (UTF-8 é)', Buffer.from('api_érror', 'utf8')],
      ['unicode (emoji)', Buffer.from('💥', 'utf8')],
      ['a very long value (8 KB)', Buffer.from('lost_response'.repeat(630), 'latin1')],
      ['two values in one', Buffer.from('api_error, lost_response', 'latin1')],
    ];
    const cases = ODD_VALUES.flatMap(([label, value]) => [0, 1].map((route) => [label, route, value] as const));

    it.each(cases)('Sandbox-Simulate with %s (route %#) → 400 param Sandbox-Simulate, nothing stored', async (_label, route, value) => {
      const { path, body } = routes()[route];
      const before = await snapshot();
      const header = Buffer.concat([Buffer.from('Sandbox-Simulate: ', 'latin1'), value]);
      const response = await rawSocketPost(port, path, `Bearer ${quiet.key}`, [header], body);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        error: expect.objectContaining({ type: 'invalid_request_error', code: 'parameter_invalid', param: 'Sandbox-Simulate', request_id: expect.stringMatching(/^req_/) }),
      });
      expect(response.headers['request-id']).toBe((response.body.error as { request_id: string }).request_id);
      expect(await snapshot()).toEqual(before);
    });

    it.each([0, 1])('the header twice (route %#) → 400 param Sandbox-Simulate, nothing stored', async (route) => {
      const { path, body } = routes()[route];
      const before = await snapshot();
      const twice = [Buffer.from('Sandbox-Simulate: api_error'), Buffer.from('Sandbox-Simulate: api_error')];
      const response = await rawSocketPost(port, path, `Bearer ${quiet.key}`, twice, body);
      expect(response).toMatchObject({ status: 400, body: { error: { code: 'parameter_invalid', param: 'Sandbox-Simulate' } } });
      expect(await snapshot()).toEqual(before);
    });

    it('a valid value still works through the same raw client (the 400s above are about the value)', async () => {
      const before = await snapshot();
      const response = await rawSocketPost(port, '/v1/payments', `Bearer ${quiet.key}`, [Buffer.from('Sandbox-Simulate: card_declined')], PAYMENT);
      expect(response).toMatchObject({ status: 201, body: { status: 'FAILED', failure_code: 'card_declined' } });
      expect((await snapshot()).payments).toHaveLength(before.payments.length + 1);
    });
  });
});
