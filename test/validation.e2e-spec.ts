import { DataSource } from 'typeorm';
import { bearer, createMerchant, startTestApp, TestApp, TestMerchant } from './support/test-app';

const REQUIRED_ERROR_KEYS = ['code', 'message', 'request_id', 'type'];

interface ErrorResponse {
  status: number;
  body: { error?: Record<string, unknown> } & Record<string, unknown>;
  headers: Record<string, string>;
  text: string;
}

/** The documented shape, exactly: type, code, message, request_id and an optional param; nothing else. */
function expectStandardError(response: ErrorResponse, code: string, param?: string): void {
  expect(Object.keys(response.body)).toEqual(['error']);
  const error = response.body.error as Record<string, unknown>;
  const keys = Object.keys(error).sort();
  expect(keys).toEqual(param === undefined ? REQUIRED_ERROR_KEYS : [...REQUIRED_ERROR_KEYS, 'param'].sort());
  expect(error.type).toBe('invalid_request_error');
  expect(error.code).toBe(code);
  if (param !== undefined) expect(error.param).toBe(param);
  expect(typeof error.message).toBe('string');
  expect((error.message as string).length).toBeGreaterThan(0);
  expect(error.request_id).toBe(response.headers['request-id']);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.text).not.toMatch(/\bat .+:\d+:\d+|node_modules|Error:|stack/);
}

describe('request validation (e2e)', () => {
  let app: TestApp;
  let db: DataSource;
  let merchant: TestMerchant;

  beforeAll(async () => {
    app = await startTestApp();
    db = app.sandbox.app.get(DataSource);
    merchant = await createMerchant(app.http, 'validation');
  });

  afterAll(async () => {
    await app.close();
  });

  const post = (body: unknown, path = '/v1/payments') => app.http.post(path).set(bearer(merchant)).send(body as object);
  const paymentCount = async () =>
    (await db.query('SELECT count(*)::int AS count FROM payments WHERE merchant_id = $1', [merchant.id]))[0].count as number;

  describe('no mass assignment', () => {
    it.each(['status', 'merchant_id', 'amount_captured', 'amount_refunded', 'id', 'failure_code', 'created_at', 'idempotency_key', 'card'])(
      'an unknown top-level field %s is 400 parameter_unknown naming it, and nothing is created',
      async (field) => {
        const before = await paymentCount();
        const response = await post({ amount: 1000, currency: 'usd', [field]: 'CAPTURED' }).expect(400);
        expectStandardError(response, 'parameter_unknown', field);
        expect(response.body.error?.message).toContain(field);
        expect(await paymentCount()).toBe(before);
      },
    );

    it('a nested unknown field is 400 parameter_unknown with its dotted path', async () => {
      const response = await post({
        amount: 1000,
        currency: 'usd',
        payment_method: { type: 'card', card: { number: '4242424242424242', exp_month: 1, exp_year: 2040, brand: 'amex' } },
      }).expect(400);
      expectStandardError(response, 'parameter_unknown', 'payment_method.card.brand');
    });

    it('an unknown field one level down is named too', async () => {
      const response = await post({
        amount: 1000,
        currency: 'usd',
        payment_method: { type: 'card', wallet: 'x', card: { number: '4242424242424242', exp_month: 1, exp_year: 2040 } },
      }).expect(400);
      expectStandardError(response, 'parameter_unknown', 'payment_method.wallet');
    });

    it('unknown fields on capture and cancel are rejected and change nothing', async () => {
      const payment = await post({ amount: 1000, currency: 'usd', capture_method: 'manual' }).expect(201);
      const capture = await post({ amount_captured: 1000 }, `/v1/payments/${payment.body.id}/capture`).expect(400);
      expectStandardError(capture, 'parameter_unknown', 'amount_captured');
      const cancel = await post({ status: 'CANCELED' }, `/v1/payments/${payment.body.id}/cancel`).expect(400);
      expectStandardError(cancel, 'parameter_unknown', 'status');
      const got = await app.http.get(`/v1/payments/${payment.body.id}`).set(bearer(merchant)).expect(200);
      expect(got.body.status).toBe('AUTHORIZED');
    });
  });

  describe('amount', () => {
    it('a missing amount is 400 parameter_missing param amount, with a message saying so', async () => {
      const response = await post({ currency: 'usd' }).expect(400);
      expectStandardError(response, 'parameter_missing', 'amount');
      expect(response.body.error?.message).toMatch(/missing|required/i);
      expect(response.body.error?.message).toContain('amount');
    });

    it('a string amount gets a message about the type, not the range', async () => {
      const response = await post({ amount: '100', currency: 'usd' }).expect(400);
      expect(response.body.error?.message).toMatch(/integer/);
      expect(response.body.error?.message).not.toMatch(/at most/);
    });

    it('a missing nested card number is parameter_missing with its dotted path', async () => {
      const response = await post({ amount: 1, currency: 'usd', payment_method: { type: 'card', card: { exp_month: 1, exp_year: 2040 } } }).expect(400);
      expectStandardError(response, 'parameter_missing', 'payment_method.card.number');
    });

    it('a null amount is 400 param amount', async () => {
      const response = await post({ amount: null, currency: 'usd' }).expect(400);
      expect(response.body.error?.param).toBe('amount');
    });

    it.each([
      ['0', 0],
      ['-1', -1],
      ['1.5', 1.5],
      ['"100" (string)', '100'],
      ['2^53', 2 ** 53],
      ['1e20', 1e20],
      ['100000000000 (above the max)', 100_000_000_000],
      ['true', true],
      ['an array', [100]],
      ['an object', { value: 100 }],
    ])('amount %s is 400 parameter_invalid param amount, and nothing is created', async (_label, amount) => {
      const before = await paymentCount();
      const response = await post({ amount, currency: 'usd' }).expect(400);
      expectStandardError(response, 'parameter_invalid', 'amount');
      expect(await paymentCount()).toBe(before);
    });

    it('2^53 sent as raw JSON text is 400 (no silent rounding)', async () => {
      const response = await app.http
        .post('/v1/payments')
        .set(bearer(merchant))
        .set('Content-Type', 'application/json')
        .send('{"amount": 9007199254740993, "currency": "usd"}')
        .expect(400);
      expect(response.body.error?.param).toBe('amount');
    });

    it('the largest allowed amount (99999999999) is accepted', async () => {
      await post({ amount: 99_999_999_999, currency: 'usd' }).expect(201);
    });
  });

  describe('other fields', () => {
    it.each([
      ['capture_method', { capture_method: 'later' }],
      ['description', { description: 42 }],
      ['description', { description: 'x'.repeat(1001) }],
      ['customer_email', { customer_email: 'nope' }],
      ['currency', { currency: 840 }],
      ['payment_method', { payment_method: 'card' }],
      ['simulate', { simulate: 'explode' }],
    ])('an invalid %s is 400 naming it', async (param, extra) => {
      const response = await post({ amount: 100, currency: 'usd', ...extra }).expect(400);
      expectStandardError(response, 'parameter_invalid', param);
    });
  });

  describe('body', () => {
    it('malformed JSON is 400 invalid_json', async () => {
      const response = await app.http
        .post('/v1/payments')
        .set(bearer(merchant))
        .set('Content-Type', 'application/json')
        .send('{"amount": 100, "currency": ')
        .expect(400);
      expectStandardError(response, 'invalid_json');
    });

    // A non-object body is validated as an empty one (amount missing); an array's indexes are unknown fields.
    it.each([
      ['a JSON array', '[1,2]', 'parameter_unknown', '0'],
      ['a JSON string', '"hello"', 'parameter_missing', 'amount'],
      ['a JSON number', '42', 'parameter_missing', 'amount'],
      ['JSON null', 'null', 'parameter_missing', 'amount'],
    ])('%s as the body is 400 (%s, param %s) and creates nothing', async (_label, text, code, param) => {
      const before = await paymentCount();
      const response = await app.http
        .post('/v1/payments')
        .set(bearer(merchant))
        .set('Content-Type', 'application/json')
        .send(text)
        .expect(400);
      expectStandardError(response, code, param);
      expect(await paymentCount()).toBe(before);
    });

    it('an empty body on create is 400 naming a missing parameter', async () => {
      const before = await paymentCount();
      const response = await app.http.post('/v1/payments').set(bearer(merchant)).set('Content-Type', 'application/json').expect(400);
      expectStandardError(response, 'parameter_missing', 'amount');
      expect(await paymentCount()).toBe(before);
    });

    it('__proto__ pollution attempts are rejected', async () => {
      const before = await paymentCount();
      const response = await app.http
        .post('/v1/payments')
        .set(bearer(merchant))
        .set('Content-Type', 'application/json')
        .send('{"amount": 100, "currency": "usd", "__proto__": {"status": "CAPTURED"}}')
        .expect(400);
      // Rejected by the JSON parser itself (secure-json-parse), before any field is looked at.
      expectStandardError(response, 'invalid_json');
      expect(await paymentCount()).toBe(before);
      expect(({} as Record<string, unknown>).status).toBeUndefined();
    });

    it('a body over 1 MB is 413 body_too_large', async () => {
      const big = JSON.stringify({ amount: 100, currency: 'usd', description: 'x'.repeat(1024 * 1024 + 10) });
      const response = await app.http
        .post('/v1/payments')
        .set(bearer(merchant))
        .set('Content-Type', 'application/json')
        .send(big)
        .expect(413);
      expect(Object.keys(response.body)).toEqual(['error']);
      expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code: 'body_too_large', request_id: response.headers['request-id'] });
    });

    it('a body just under 1 MB reaches validation (400 on the long description, not 413)', async () => {
      const response = await post({ amount: 100, currency: 'usd', description: 'x'.repeat(1024 * 1000) }).expect(400);
      expect(response.body.error?.param).toBe('description');
    });

    it('a non-JSON content type is 415 unsupported_media_type in the standard body', async () => {
      const response = await app.http
        .post('/v1/payments')
        .set(bearer(merchant))
        .set('Content-Type', 'text/plain')
        .send('amount=100&currency=usd')
        .expect(415);
      expectStandardError(response, 'unsupported_media_type');
    });

    it('a multipart body is 415 as well (form-encoded bodies are accepted: see stripe-habits.e2e-spec.ts)', async () => {
      const response = await app.http
        .post('/v1/payments')
        .set(bearer(merchant))
        .field('amount', '100')
        .field('currency', 'usd')
        .expect(415);
      expectStandardError(response, 'unsupported_media_type');
    });

    it('application/json with a charset is accepted', async () => {
      await app.http
        .post('/v1/payments')
        .set(bearer(merchant))
        .set('Content-Type', 'application/json; charset=utf-8')
        .send(JSON.stringify({ amount: 100, currency: 'usd' }))
        .expect(201);
    });

    it('validation errors are checked before auth-independent side effects: a 400 creates no events', async () => {
      const before = (await db.query('SELECT count(*)::int AS count FROM events WHERE merchant_id = $1', [merchant.id]))[0].count;
      await post({ amount: -1, currency: 'usd' }).expect(400);
      await post({ amount: 100, currency: 'usd', payment_method: { type: 'card', card: { number: '4242424242424241', exp_month: 1, exp_year: 2040 } } }).expect(400);
      const after = (await db.query('SELECT count(*)::int AS count FROM events WHERE merchant_id = $1', [merchant.id]))[0].count;
      expect(after).toBe(before);
    });
  });

  describe('text Postgres cannot store (NUL bytes) is a 400, never a 500', () => {
    it.each([
      ['description', { amount: 100, currency: 'usd', description: 'a\u0000b' }],
      ['a metadata value', { amount: 100, currency: 'usd', metadata: { k: 'a\u0000b' } }],
      ['a metadata key', { amount: 100, currency: 'usd', metadata: { 'k\u0000': 'b' } }],
    ])('in %s on create, and nothing is created', async (_label, body) => {
      const before = await paymentCount();
      const response = await post(body).expect(400);
      expectStandardError(response, 'parameter_invalid');
      expect(await paymentCount()).toBe(before);
    });

    it('in a merchant name, an API key name, a path id and query parameters', async () => {
      await app.http.post('/v1/merchants').send({ name: 'x\u0000' }).expect(400);
      await post({ name: 'x\u0000' }, '/v1/api-keys').expect(400);
      await app.http.get('/v1/payments/pay_%00').set(bearer(merchant)).expect(400);
      await app.http.post('/v1/payments/pay_%00/capture').set(bearer(merchant)).send({}).expect(400);
      await app.http.get('/v1/payments?starting_after=%00').set(bearer(merchant)).expect(400);
      await app.http.get('/v1/events?payment_id=%00').set(bearer(merchant)).expect(400);
    });
  });

  describe('every error body has the documented shape', () => {
    it.each([
      ['missing auth', () => app.http.get('/v1/payments'), 401],
      ['unknown route', () => app.http.get('/v1/unknown').set(bearer(merchant)), 404],
      ['missing object', () => app.http.get('/v1/payments/pay_x').set(bearer(merchant)), 404],
      ['bad limit', () => app.http.get('/v1/payments?limit=0').set(bearer(merchant)), 400],
      ['bad currency', () => post({ amount: 1, currency: 'zzz' }), 400],
    ])('%s', async (_label, send, status) => {
      const response = await send().expect(status);
      expect(Object.keys(response.body)).toEqual(['error']);
      const keys = Object.keys(response.body.error);
      for (const key of REQUIRED_ERROR_KEYS) expect(keys).toContain(key);
      for (const key of keys) expect([...REQUIRED_ERROR_KEYS, 'param']).toContain(key);
      expect(response.body.error.request_id).toBe(response.headers['request-id']);
      expect(response.text).not.toMatch(/\bat .+:\d+:\d+|node_modules/);
    });
  });
});
