import { DataSource } from 'typeorm';
import { bearer, createMerchant, startTestApp, TestApp } from './support/test-app';

const ADMIN_KEY = 'admin_test_secret_value_123456';

describe('merchants (e2e)', () => {
  let app: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    app = await startTestApp();
    db = app.sandbox.app.get(DataSource);
  });

  afterAll(async () => {
    await app.close();
  });

  describe('POST /v1/merchants', () => {
    it('creates a merchant with a first API key whose secret is shown once', async () => {
      const response = await app.http.post('/v1/merchants').send({ name: 'Acme QA', email: 'qa@acme.test' }).expect(201);
      expect(response.body).toMatchObject({
        id: expect.stringMatching(/^mer_[0-9A-Za-z]{20,}$/),
        object: 'merchant',
        name: 'Acme QA',
        email: 'qa@acme.test',
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      });
      const key = response.body.api_key;
      expect(key.id).toMatch(/^key_/);
      expect(key.secret).toMatch(/^sk_test_[A-Za-z0-9_-]+$/);
      const randomPart = key.secret.slice('sk_test_'.length);
      expect(Buffer.from(randomPart, 'base64url').length).toBeGreaterThanOrEqual(24);
      expect(key.last4).toBe(key.secret.slice(-4));
      expect(key.revoked_at).toBeNull();
      expect(response.headers['request-id']).toEqual(expect.any(String));
    });

    it('gives every merchant a different, usable key', async () => {
      const [a, b] = await Promise.all([createMerchant(app.http, 'a'), createMerchant(app.http, 'b')]);
      expect(a.key).not.toBe(b.key);
      expect(a.id).not.toBe(b.id);
      const me = await app.http.get('/v1/merchants/me').set(bearer(b)).expect(200);
      expect(me.body.id).toBe(b.id);
    });

    it('defaults email to null', async () => {
      const response = await app.http.post('/v1/merchants').send({ name: 'No email' }).expect(201);
      expect(response.body.email).toBeNull();
    });

    it.each([
      ['missing name', {}, 'parameter_missing'],
      ['empty name', { name: '' }, 'parameter_invalid'],
      ['numeric name', { name: 42 }, 'parameter_invalid'],
      ['name too long', { name: 'x'.repeat(201) }, 'parameter_invalid'],
    ])('rejects %s with 400 param name', async (_label, body, code) => {
      const response = await app.http.post('/v1/merchants').send(body).expect(400);
      expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code, param: 'name' });
    });

    it('rejects an invalid email with 400 param email', async () => {
      const response = await app.http.post('/v1/merchants').send({ name: 'x', email: 'not-an-email' }).expect(400);
      expect(response.body.error).toMatchObject({ code: 'parameter_invalid', param: 'email' });
    });

    it('rejects unknown fields (no mass assignment of id)', async () => {
      const response = await app.http.post('/v1/merchants').send({ name: 'x', id: 'mer_mine' }).expect(400);
      expect(response.body.error).toMatchObject({ code: 'parameter_unknown', param: 'id' });
    });
  });

  describe('GET /v1/merchants/me', () => {
    it('returns the calling key’s merchant without any key secret', async () => {
      const merchant = await createMerchant(app.http, 'Me Inc');
      const response = await app.http.get('/v1/merchants/me').set(bearer(merchant)).expect(200);
      expect(response.body).toMatchObject({ id: merchant.id, object: 'merchant', name: 'Me Inc' });
      expect(JSON.stringify(response.body)).not.toContain(merchant.key);
      expect(response.body.api_key).toBeUndefined();
    });

    it('needs an API key', async () => {
      const response = await app.http.get('/v1/merchants/me').expect(401);
      expect(response.body.error).toMatchObject({ type: 'authentication_error', code: 'api_key_missing' });
    });
  });

  describe('DELETE /v1/merchants/me', () => {
    it('deletes the merchant and all its data; its keys stop working at once', async () => {
      const merchant = await createMerchant(app.http, 'Teardown');
      const second = await app.http.post('/v1/api-keys').set(bearer(merchant)).send({ name: 'second' }).expect(201);
      const manual = await app.http
        .post('/v1/payments')
        .set(bearer(merchant))
        .send({ amount: 1000, currency: 'usd', capture_method: 'manual' })
        .expect(201);
      await app.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 500, currency: 'eur' }).expect(201);
      await app.http.post(`/v1/payments/${manual.body.id}/capture`).set(bearer(merchant)).send({}).expect(200);
      const other = await createMerchant(app.http, 'Bystander');
      const otherPayment = await app.http.post('/v1/payments').set(bearer(other)).send({ amount: 700, currency: 'usd' }).expect(201);

      const response = await app.http.delete('/v1/merchants/me').set(bearer(merchant)).expect(204);
      expect(response.text).toBe('');
      expect(response.headers['request-id']).toEqual(expect.any(String));

      const denied = await app.http.get('/v1/merchants/me').set(bearer(merchant)).expect(401);
      expect(denied.body.error).toMatchObject({ type: 'authentication_error', code: 'api_key_invalid' });
      await app.http.get('/v1/payments').set(bearer(second.body.secret)).expect(401);

      const count = async (sql: string, id: string) => Number((await db.query(sql, [id]))[0].count);
      expect(await count('SELECT count(*) FROM merchants WHERE id = $1', merchant.id)).toBe(0);
      expect(await count('SELECT count(*) FROM api_keys WHERE merchant_id = $1', merchant.id)).toBe(0);
      expect(await count('SELECT count(*) FROM payments WHERE merchant_id = $1', merchant.id)).toBe(0);
      expect(await count('SELECT count(*) FROM events WHERE merchant_id = $1', merchant.id)).toBe(0);
      expect(await count('SELECT count(*) FROM payment_history WHERE payment_id = $1', manual.body.id)).toBe(0);

      // Nobody else's data is touched.
      await app.http.get(`/v1/payments/${otherPayment.body.id}`).set(bearer(other)).expect(200);
      expect(await count('SELECT count(*) FROM payment_history WHERE payment_id = $1', otherPayment.body.id)).toBeGreaterThan(0);
    });

    it('a deleted merchant’s key is rejected even right after it was used (no stale auth cache)', async () => {
      const merchant = await createMerchant(app.http, 'Cached');
      await app.http.get('/v1/merchants/me').set(bearer(merchant)).expect(200);
      await app.http.delete('/v1/merchants/me').set(bearer(merchant)).expect(204);
      await app.http.delete('/v1/merchants/me').set(bearer(merchant)).expect(401);
    });
  });

  describe('with ADMIN_API_KEY set', () => {
    let admin: TestApp;

    beforeAll(async () => {
      admin = await startTestApp({ ADMIN_API_KEY: ADMIN_KEY });
    });

    afterAll(async () => {
      await admin.close();
    });

    it('refuses sign-up without the admin key (401)', async () => {
      const response = await admin.http.post('/v1/merchants').send({ name: 'x' }).expect(401);
      expect(response.body.error).toMatchObject({ type: 'authentication_error', request_id: response.headers['request-id'] });
    });

    it('refuses sign-up with a wrong admin key or a merchant key (401)', async () => {
      await admin.http.post('/v1/merchants').set(bearer(`${ADMIN_KEY}x`)).send({ name: 'x' }).expect(401);
      await admin.http.post('/v1/merchants').set(bearer('wrong')).send({ name: 'x' }).expect(401);
      const merchant = await createMerchant(app.http, 'not admin');
      await admin.http.post('/v1/merchants').set(bearer(merchant)).send({ name: 'x' }).expect(401);
    });

    it('signs up with the admin key (201) and the new merchant key works normally', async () => {
      const response = await admin.http.post('/v1/merchants').set(bearer(ADMIN_KEY)).send({ name: 'Admin made' }).expect(201);
      expect(response.body.api_key.secret).toMatch(/^sk_test_/);
      await admin.http.get('/v1/merchants/me').set(bearer(response.body.api_key.secret)).expect(200);
    });

    it('does not accept the admin key as a merchant key', async () => {
      await admin.http.get('/v1/merchants/me').set(bearer(ADMIN_KEY)).expect(401);
    });
  });
});
