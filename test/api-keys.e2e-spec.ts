import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { bearer, createMerchant, eventually, startTestApp, TestApp, TestMerchant } from './support/test-app';

describe('API keys and authentication (e2e)', () => {
  let app: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    app = await startTestApp();
    db = app.sandbox.app.get(DataSource);
  });

  afterAll(async () => {
    await app.close();
  });

  async function newKey(merchant: TestMerchant, name?: string) {
    const response = await app.http.post('/v1/api-keys').set(bearer(merchant)).send(name ? { name } : {}).expect(201);
    return response.body as { id: string; secret: string; last4: string; name: string | null };
  }

  describe('POST /v1/api-keys', () => {
    it('creates a key and shows its secret once', async () => {
      const merchant = await createMerchant(app.http);
      const response = await app.http.post('/v1/api-keys').set(bearer(merchant)).send({ name: 'ci' }).expect(201);
      expect(response.body).toMatchObject({
        id: expect.stringMatching(/^key_/),
        object: 'api_key',
        name: 'ci',
        prefix: 'sk_test_',
        secret: expect.stringMatching(/^sk_test_/),
        last_used_at: null,
        revoked_at: null,
      });
      expect(Buffer.from(response.body.secret.slice(8), 'base64url').length).toBeGreaterThanOrEqual(24);
      expect(response.body.last4).toBe(response.body.secret.slice(-4));
      await app.http.get('/v1/merchants/me').set(bearer(response.body.secret)).expect(200);
    });

    it('accepts no body and no name', async () => {
      const merchant = await createMerchant(app.http);
      const response = await app.http.post('/v1/api-keys').set(bearer(merchant)).expect(201);
      expect(response.body.name).toBeNull();
    });

    it('validates name and rejects unknown fields', async () => {
      const merchant = await createMerchant(app.http);
      const empty = await app.http.post('/v1/api-keys').set(bearer(merchant)).send({ name: '' }).expect(400);
      expect(empty.body.error).toMatchObject({ code: 'parameter_invalid', param: 'name' });
      const unknown = await app.http.post('/v1/api-keys').set(bearer(merchant)).send({ merchant_id: 'mer_x' }).expect(400);
      expect(unknown.body.error).toMatchObject({ code: 'parameter_unknown', param: 'merchant_id' });
    });

    it('ignores Idempotency-Key so the secret is never persisted for a replay', async () => {
      const merchant = await createMerchant(app.http);
      const headers = { ...bearer(merchant), 'Idempotency-Key': 'same-key-twice' };
      const first = await app.http.post('/v1/api-keys').set(headers).send({ name: 'a' }).expect(201);
      const second = await app.http.post('/v1/api-keys').set(headers).send({ name: 'a' }).expect(201);
      expect(second.body.id).not.toBe(first.body.id);
      expect(second.headers['idempotent-replayed']).toBeUndefined();
      const stored: unknown[] = await db.query(
        "SELECT 1 FROM idempotency_keys WHERE merchant_id = $1 AND coalesce(response_text, response_body::text) LIKE '%' || $2 || '%'",
        [merchant.id, first.body.secret],
      );
      expect(stored).toHaveLength(0);
    });

    it('stores only a SHA-256 hash: no column holds the secret', async () => {
      const merchant = await createMerchant(app.http);
      const key = await newKey(merchant, 'hashed');
      const rows: Array<{ row: string; hash: Buffer }> = await db.query(
        'SELECT row_to_json(k)::text AS row, k.secret_hash AS hash FROM api_keys k WHERE merchant_id = $1',
        [merchant.id],
      );
      expect(rows).toHaveLength(2);
      const randomPart = key.secret.slice('sk_test_'.length);
      for (const { row } of rows) {
        expect(row).not.toContain(key.secret);
        expect(row).not.toContain(randomPart);
        expect(row).not.toContain(merchant.key.slice('sk_test_'.length));
      }
      const hashes = rows.map(({ hash }) => Buffer.from(hash).toString('hex'));
      expect(hashes).toContain(createHash('sha256').update(key.secret).digest('hex'));
    });
  });

  describe('GET /v1/api-keys', () => {
    it('lists keys newest first and never includes a secret', async () => {
      const merchant = await createMerchant(app.http);
      const one = await newKey(merchant, 'one');
      const two = await newKey(merchant, 'two');
      const response = await app.http.get('/v1/api-keys').set(bearer(merchant)).expect(200);
      expect(response.body.object).toBe('list');
      expect(response.body.has_more).toBe(false);
      expect(response.body.data.map((k: { id: string }) => k.id)).toEqual([two.id, one.id, merchant.apiKeyId]);
      const text = JSON.stringify(response.body);
      for (const secret of [merchant.key, one.secret, two.secret]) expect(text).not.toContain(secret);
      for (const item of response.body.data) {
        expect(item).not.toHaveProperty('secret');
        expect(item).not.toHaveProperty('secret_hash');
        expect(Object.keys(item).sort()).toEqual(['created_at', 'id', 'last4', 'last_used_at', 'name', 'object', 'prefix', 'revoked_at']);
        expect(item.prefix).toBe('sk_test_');
        expect(item.last4).toHaveLength(4);
      }
    });

    it('pages with limit and starting_after', async () => {
      const merchant = await createMerchant(app.http);
      await newKey(merchant);
      await newKey(merchant);
      const first = await app.http.get('/v1/api-keys?limit=2').set(bearer(merchant)).expect(200);
      expect(first.body.data).toHaveLength(2);
      expect(first.body.has_more).toBe(true);
      const second = await app.http
        .get(`/v1/api-keys?limit=2&starting_after=${first.body.data[1].id}`)
        .set(bearer(merchant))
        .expect(200);
      expect(second.body.data.map((k: { id: string }) => k.id)).toEqual([merchant.apiKeyId]);
      expect(second.body.has_more).toBe(false);
      await app.http.get('/v1/api-keys?limit=0').set(bearer(merchant)).expect(400);
    });

    it('sets last_used_at once a key has been used', async () => {
      const merchant = await createMerchant(app.http);
      const key = await newKey(merchant, 'used');
      const before = await app.http.get('/v1/api-keys').set(bearer(merchant)).expect(200);
      expect(before.body.data.find((k: { id: string }) => k.id === key.id).last_used_at).toBeNull();
      await app.http.get('/v1/payments').set(bearer(key.secret)).expect(200);
      const lastUsed = await eventually(async () => {
        const response = await app.http.get('/v1/api-keys').set(bearer(merchant)).expect(200);
        return response.body.data.find((k: { id: string }) => k.id === key.id).last_used_at ?? undefined;
      }, 5_000);
      expect(new Date(lastUsed).getTime()).toBeGreaterThan(Date.now() - 60_000);
    });
  });

  describe('DELETE /v1/api-keys/:id', () => {
    it('revokes a key (200 with revoked_at) and the key is rejected on the very next request', async () => {
      const merchant = await createMerchant(app.http);
      const key = await newKey(merchant, 'doomed');
      await app.http.get('/v1/merchants/me').set(bearer(key.secret)).expect(200); // warm any auth cache
      const response = await app.http.delete(`/v1/api-keys/${key.id}`).set(bearer(merchant)).expect(200);
      expect(response.body).toMatchObject({ id: key.id, object: 'api_key', revoked_at: expect.any(String) });
      expect(response.body).not.toHaveProperty('secret');
      const denied = await app.http.get('/v1/merchants/me').set(bearer(key.secret)).expect(401);
      expect(denied.body.error).toMatchObject({ type: 'authentication_error', code: 'api_key_invalid' });
      await app.http.get('/v1/merchants/me').set(bearer(merchant)).expect(200);
    });

    it('a key can revoke itself when another active key remains', async () => {
      const merchant = await createMerchant(app.http);
      await newKey(merchant, 'spare');
      await app.http.delete(`/v1/api-keys/${merchant.apiKeyId}`).set(bearer(merchant)).expect(200);
      await app.http.get('/v1/merchants/me').set(bearer(merchant)).expect(401);
    });

    it('refuses to revoke the last active key (409 api_key_last_active) and it keeps working', async () => {
      const merchant = await createMerchant(app.http);
      const response = await app.http.delete(`/v1/api-keys/${merchant.apiKeyId}`).set(bearer(merchant)).expect(409);
      expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code: 'api_key_last_active' });
      await app.http.get('/v1/merchants/me').set(bearer(merchant)).expect(200);
      const list = await app.http.get('/v1/api-keys').set(bearer(merchant)).expect(200);
      expect(list.body.data[0].revoked_at).toBeNull();
    });

    it('after revoking down to one key, that one cannot be revoked', async () => {
      const merchant = await createMerchant(app.http);
      const key = await newKey(merchant);
      await app.http.delete(`/v1/api-keys/${merchant.apiKeyId}`).set(bearer(key.secret)).expect(200);
      const response = await app.http.delete(`/v1/api-keys/${key.id}`).set(bearer(key.secret)).expect(409);
      expect(response.body.error.code).toBe('api_key_last_active');
    });

    it('revoking an already revoked key answers the revoked key unchanged', async () => {
      const merchant = await createMerchant(app.http);
      const key = await newKey(merchant);
      const first = await app.http.delete(`/v1/api-keys/${key.id}`).set(bearer(merchant)).expect(200);
      const again = await app.http.delete(`/v1/api-keys/${key.id}`).set(bearer(merchant)).expect(200);
      expect(again.body.revoked_at).toBe(first.body.revoked_at);
      await app.http.get('/v1/merchants/me').set(bearer(merchant)).expect(200);
    });

    it('an unknown id is 404 resource_missing', async () => {
      const merchant = await createMerchant(app.http);
      const response = await app.http.delete('/v1/api-keys/key_doesnotexist').set(bearer(merchant)).expect(404);
      expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code: 'resource_missing' });
    });

    it('concurrent revocations of the last two keys leave exactly one active key', async () => {
      const merchant = await createMerchant(app.http);
      const key = await newKey(merchant);
      const [a, b] = await Promise.all([
        app.http.delete(`/v1/api-keys/${merchant.apiKeyId}`).set(bearer(key.secret)),
        app.http.delete(`/v1/api-keys/${key.id}`).set(bearer(merchant)),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const rows = await db.query('SELECT count(*)::int AS n FROM api_keys WHERE merchant_id = $1 AND revoked_at IS NULL', [merchant.id]);
      expect(rows[0].n).toBe(1);
    });
  });

  describe('authentication', () => {
    it('a missing Authorization header is 401 api_key_missing', async () => {
      const response = await app.http.get('/v1/payments').expect(401);
      expect(response.body.error).toMatchObject({ type: 'authentication_error', code: 'api_key_missing' });
      expect(response.body.error.request_id).toBe(response.headers['request-id']);
    });

    it.each([
      ['no scheme', 'sk_test_abc'],
      ['Basic scheme', 'Basic dXNlcjpwYXNz'],
      ['empty bearer', 'Bearer '],
      ['two tokens', 'Bearer a b'],
    ])('a malformed header (%s) is 401 authentication_error', async (_label, header) => {
      const response = await app.http.get('/v1/payments').set('Authorization', header).expect(401);
      expect(response.body.error.type).toBe('authentication_error');
      expect(['api_key_missing', 'api_key_invalid']).toContain(response.body.error.code);
    });

    it('an unknown key is 401 api_key_invalid', async () => {
      const response = await app.http.get('/v1/payments').set(bearer('sk_test_thisKeyDoesNotExist000000000000000')).expect(401);
      expect(response.body.error).toMatchObject({ type: 'authentication_error', code: 'api_key_invalid' });
      expect(JSON.stringify(response.body)).not.toContain('thisKeyDoesNotExist');
    });

    it('the scheme is case-insensitive', async () => {
      const merchant = await createMerchant(app.http);
      await app.http.get('/v1/merchants/me').set('Authorization', `bearer ${merchant.key}`).expect(200);
    });

    it('every authenticated route needs a key', async () => {
      const routes: Array<[string, string]> = [
        ['post', '/v1/payments'],
        ['get', '/v1/payments'],
        ['get', '/v1/payments/pay_x'],
        ['post', '/v1/payments/pay_x/capture'],
        ['post', '/v1/payments/pay_x/cancel'],
        ['post', '/v1/api-keys'],
        ['get', '/v1/api-keys'],
        ['delete', '/v1/api-keys/key_x'],
        ['get', '/v1/merchants/me'],
        ['delete', '/v1/merchants/me'],
        ['get', '/v1/events'],
        ['get', '/v1/events/evt_x'],
      ];
      for (const [method, path] of routes) {
        const response = await app.http[method as 'get'](path).send();
        expect({ path, status: response.status }).toEqual({ path, status: 401 });
      }
    });
  });
});
