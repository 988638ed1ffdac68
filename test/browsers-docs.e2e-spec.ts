import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { bearer, createMerchant, startTestApp, TestApp, TestMerchant } from './support/test-app';
import { isEmbeddedTestMode } from './support/test-env';

const ALLOWED = 'https://app.example.com';
const OTHER = 'https://evil.example.net';

function corsHeaders(response: Response): string[] {
  return Object.keys(response.headers).filter((name) => name.startsWith('access-control-'));
}

describe('browsers: CORS (e2e)', () => {
  describe('default for the mode', () => {
    let app: TestApp;
    let merchant: TestMerchant;

    beforeAll(async () => {
      app = await startTestApp();
      merchant = await createMerchant(app.http);
    });

    afterAll(async () => {
      await app.close();
    });

    it(`is ${isEmbeddedTestMode() ? '* in embedded mode' : 'off with a DATABASE_URL'}`, async () => {
      const response = await app.http.get('/v1/payments').set(bearer(merchant)).set('Origin', OTHER).expect(isEmbeddedTestMode() ? 200 : 403);
      if (isEmbeddedTestMode()) {
        expect(response.headers['access-control-allow-origin']).toBe('*');
        expect(response.headers['access-control-expose-headers']).toMatch(/Request-Id/);
      } else {
        expect(corsHeaders(response)).toEqual([]);
      }
    });

    it(`${isEmbeddedTestMode() ? 'lets any origin in' : 'refuses cross-origin browser requests (403)'}`, async () => {
      const response = await app.http.post('/v1/payments').set(bearer(merchant)).set('Origin', OTHER).send({ amount: 100, currency: 'usd' });
      expect(response.status).toBe(isEmbeddedTestMode() ? 201 : 403);
    });
  });

  describe(`CORS_ORIGINS=${ALLOWED}`, () => {
    let app: TestApp;
    let merchant: TestMerchant;

    beforeAll(async () => {
      app = await startTestApp({ CORS_ORIGINS: `${ALLOWED},http://localhost:3000`, RATE_LIMIT_RPS: '1000' });
      merchant = await createMerchant(app.http);
    });

    afterAll(async () => {
      await app.close();
    });

    it('answers a browser preflight from an allowed origin', async () => {
      const response = await app.http
        .options('/v1/payments')
        .set('Origin', ALLOWED)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type,idempotency-key');
      expect(response.status).toBe(204);
      expect(response.headers['access-control-allow-origin']).toBe(ALLOWED);
      expect(response.headers['access-control-allow-methods']).toMatch(/POST/);
      expect(response.headers['access-control-allow-headers']).toMatch(/idempotency-key/i);
      expect(response.headers['access-control-max-age']).toMatch(/^\d+$/);
    });

    it('exposes Request-Id, Idempotent-Replayed and the rate-limit headers on the real request', async () => {
      const response = await app.http
        .post('/v1/payments')
        .set(bearer(merchant))
        .set('Origin', ALLOWED)
        .set('Idempotency-Key', `cors-${process.pid}-${Date.now()}`)
        .send({ amount: 100, currency: 'usd' })
        .expect(201);
      expect(response.headers['access-control-allow-origin']).toBe(ALLOWED);
      const exposed = String(response.headers['access-control-expose-headers']).split(',').map((name) => name.trim());
      expect(exposed).toEqual(expect.arrayContaining(['Request-Id', 'Idempotent-Replayed', 'RateLimit-Limit', 'RateLimit-Remaining', 'X-RateLimit-Limit', 'Retry-After']));
      // Errors carry the headers too, or a browser could not read them.
      const error = await app.http.get('/v1/payments/pay_missing').set(bearer(merchant)).set('Origin', ALLOWED).expect(404);
      expect(error.headers['access-control-allow-origin']).toBe(ALLOWED);
    });

    it('a disallowed origin is refused with 403 and no CORS header, preflight included, and nothing is stored', async () => {
      const before = await app.http.get('/v1/payments?limit=100').set(bearer(merchant)).expect(200);
      const post = await app.http.post('/v1/payments').set(bearer(merchant)).set('Origin', OTHER).send({ amount: 100, currency: 'usd' }).expect(403);
      expect(post.body.error).toMatchObject({ type: 'invalid_request_error', code: 'origin_not_allowed', param: 'Origin', message: expect.stringMatching(/CORS_ORIGINS/) });
      expect(corsHeaders(post)).toEqual([]);
      const preflight = await app.http.options('/v1/payments').set('Origin', OTHER).set('Access-Control-Request-Method', 'POST').expect(403);
      expect(corsHeaders(preflight)).toEqual([]);
      const after = await app.http.get('/v1/payments?limit=100').set(bearer(merchant)).expect(200);
      expect(after.body.data).toEqual(before.body.data);
    });

    it('same-origin browser requests (Swagger UI) and requests without Origin pass', async () => {
      const sameOrigin = await app.http.get('/v1/payments').set(bearer(merchant)).set('Origin', 'http://sandbox.local:4242').set('Host', 'sandbox.local:4242').expect(200);
      expect(sameOrigin.headers['access-control-allow-origin']).toBeUndefined();
      await app.http.get('/v1/payments').set(bearer(merchant)).expect(200);
    });
  });
});

describe('Swagger UI and the served OpenAPI document (e2e)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  it('names the server it is served from, in /openapi.json and in Swagger UI', async () => {
    const response = await app.http.get('/openapi.json').expect(200);
    const origin = new URL(response.request.url).origin;
    expect(response.body.servers).toEqual([expect.objectContaining({ url: origin })]);
    // supertest listens on a new port per request: each answer names its own.
    const init = await app.http.get('/docs/swagger-ui-init.js').expect(200);
    expect(init.text).toContain(`"url": "${new URL(init.request.url).origin}"`);
    expect(init.text).not.toContain('localhost:4242');
  });

  it('pre-fills no fixed Idempotency-Key and documents error responses on every route', async () => {
    const { body } = await app.http.get('/openapi.json').expect(200);
    const text = JSON.stringify(body);
    expect(text).not.toMatch(/order-1234-attempt-1|refund-order-1234/);
    for (const [path, item] of Object.entries(body.paths as Record<string, Record<string, { responses: Record<string, { content?: unknown }> }>>)) {
      for (const [method, operation] of Object.entries(item)) {
        const errors = Object.entries(operation.responses).filter(([status]) => Number(status) >= 400);
        expect({ route: `${method} ${path}`, has400: errors.some(([status]) => status === '400') }).toEqual({ route: `${method} ${path}`, has400: true });
        for (const [status, response] of errors) {
          // The 3-D Secure challenge is a page for the customer's browser: its used/expired answer is an HTML page (design-v2 §2).
          if (path.startsWith('/v1/3ds/') && status === '410') expect(Object.keys(response.content as object)).toEqual(['text/html']);
          else expect(response.content).toEqual({ 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } });
        }
      }
    }
  });

  it('the committed openapi.json names a relative server, so it stays stable', () => {
    const committed = JSON.parse(readFileSync(join(__dirname, '..', 'openapi.json'), 'utf8'));
    expect(committed.servers.map((server: { url: string }) => server.url)).toEqual(['/']);
  });

  describe('with PUBLIC_URL', () => {
    let behindProxy: TestApp;

    beforeAll(async () => {
      behindProxy = await startTestApp({ PUBLIC_URL: 'https://sandbox.example.com' });
    });

    afterAll(async () => {
      await behindProxy.close();
    });

    it('names PUBLIC_URL', async () => {
      const response = await behindProxy.http.get('/openapi.json').expect(200);
      expect(response.body.servers).toEqual([expect.objectContaining({ url: 'https://sandbox.example.com' })]);
    });
  });
});
