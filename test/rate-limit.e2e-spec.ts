import type { Response } from 'supertest';
import { isEmbeddedTestMode, TEST_REDIS_URL } from './support/test-env';
import { bearer, createMerchant, startTestApp, TestApp, TestMerchant } from './support/test-app';

let prefixSeq = 0;
/** Other runs share the Redis: every app group gets its own key prefix. */
function uniquePrefix(): string {
  prefixSeq += 1;
  return `ratelimit-test-${process.pid}-${Date.now()}-${prefixSeq}`;
}

function listPayments(app: TestApp, merchant: TestMerchant): Promise<Response> {
  return app.http.get('/v1/payments').set(bearer(merchant)).then((response) => response);
}

function burst(app: TestApp, merchant: TestMerchant, count: number): Promise<Response[]> {
  return Promise.all(Array.from({ length: count }, () => listPayments(app, merchant)));
}

function expectRateLimited(response: Response, limit: number): void {
  expect(response.status).toBe(429);
  expect(response.body.error).toMatchObject({
    type: 'rate_limit_error',
    code: 'rate_limit_exceeded',
    message: expect.stringContaining(`limit is ${limit} per second`),
    request_id: expect.any(String),
  });
  expect(response.body.error.message).toContain('RATE_LIMIT_RPS');
  expect(response.headers['retry-after']).toMatch(/^[1-9]\d*$/);
  expect(response.headers['ratelimit-limit']).toBe(String(limit));
  expect(response.headers['ratelimit-remaining']).toBe('0');
  expect(response.headers['ratelimit-reset']).toMatch(/^\d+$/);
  expect(response.headers['x-ratelimit-limit']).toBe(String(limit));
}

describe('rate limiting (e2e)', () => {
  describe('in memory (no REDIS_URL), 3 req/s', () => {
    const limit = 3;
    let app: TestApp;
    let first: TestMerchant;
    let second: TestMerchant;

    beforeAll(async () => {
      app = await startTestApp({ RATE_LIMIT_RPS: String(limit) });
      first = await createMerchant(app.http, 'Busy merchant');
      second = await createMerchant(app.http, 'Quiet merchant');
    });

    afterAll(async () => {
      await app.close();
    });

    it('answers a burst over the limit with 429, Retry-After and RateLimit headers; another key is unaffected', async () => {
      const responses = await burst(app, first, 12);
      const ok = responses.filter((response) => response.status === 200);
      const limited = responses.filter((response) => response.status === 429);
      expect(ok.length + limited.length).toBe(12);
      // One window allows `limit`; a burst straddling a window boundary at most twice that.
      expect(ok.length).toBeGreaterThanOrEqual(1);
      expect(ok.length).toBeLessThanOrEqual(2 * limit);
      limited.forEach((response) => expectRateLimited(response, limit));
      expect(ok[0].headers['ratelimit-limit']).toBe(String(limit));
      expect(ok[0].headers['x-ratelimit-remaining']).toMatch(/^\d+$/);

      const other = await burst(app, second, limit);
      expect(other.map((response) => response.status)).toEqual(Array(limit).fill(200));
    });

    it('does not limit health and docs routes', async () => {
      const health = await Promise.all(Array.from({ length: 15 }, () => app.http.get('/health/live')));
      expect(health.map((response) => response.status)).toEqual(Array(15).fill(200));
      const docs = await Promise.all(Array.from({ length: 6 }, () => app.http.get('/openapi.json')));
      expect(docs.map((response) => response.status)).toEqual(Array(6).fill(200));
    });

    it('limits unauthenticated routes by client IP', async () => {
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => app.http.post('/v1/merchants').send({ name: 'Sign-up burst' })),
      );
      const limited = responses.filter((response) => response.status === 429);
      expect(responses.filter((response) => response.status === 201).length).toBeLessThanOrEqual(2 * limit);
      expect(limited.length).toBeGreaterThanOrEqual(10 - 2 * limit);
      limited.forEach((response) => expectRateLimited(response, limit));
    });
  });

  describe('RATE_LIMIT_RPS=0', () => {
    let app: TestApp;
    let merchant: TestMerchant;

    beforeAll(async () => {
      app = await startTestApp({ RATE_LIMIT_RPS: '0', ...(isEmbeddedTestMode() ? {} : { REDIS_URL: TEST_REDIS_URL }) });
      merchant = await createMerchant(app.http);
    });

    afterAll(async () => {
      await app.close();
    });

    it('never limits', async () => {
      const responses = await burst(app, merchant, 40);
      expect(responses.map((response) => response.status)).toEqual(Array(40).fill(200));
      expect(responses[0].headers['x-ratelimit-limit']).toBeUndefined();
    });
  });

  // Shared budgets need one Redis and one database behind both instances (not the embedded mode).
  if (!isEmbeddedTestMode()) {
    describe('through Redis, 5 req/s', () => {
      const limit = 5;
      let apiA: TestApp;
      let apiB: TestApp;

      beforeAll(async () => {
        const shared = { RATE_LIMIT_RPS: String(limit), REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: uniquePrefix() };
        apiA = await startTestApp(shared);
        apiB = await startTestApp(shared);
      });

      afterAll(async () => {
        await apiA.close();
        await apiB.close();
      });

      it('limits a burst with 429 and Retry-After', async () => {
        const merchant = await createMerchant(apiA.http, 'Redis burst');
        const responses = await burst(apiA, merchant, 15);
        const ok = responses.filter((response) => response.status === 200);
        expect(ok.length).toBeGreaterThanOrEqual(1);
        expect(ok.length).toBeLessThanOrEqual(2 * limit);
        responses.filter((response) => response.status === 429).forEach((response) => expectRateLimited(response, limit));
      });

      it('two API instances share one budget per key; another key keeps its own', async () => {
        // The window is 1 s from the first hit: retry the scenario if this machine was too slow to fit it in.
        for (let attempt = 1; ; attempt++) {
          const merchant = await createMerchant(apiA.http, `Shared budget ${attempt}`);
          const other = await createMerchant(apiB.http, `Other key ${attempt}`);
          const started = Date.now();
          const onA = await burst(apiA, merchant, limit);
          const onB = await burst(apiB, merchant, 3);
          const otherOnB = await burst(apiB, other, 2);
          if (Date.now() - started > 800 && attempt < 3) continue;
          expect(onA.map((response) => response.status)).toEqual(Array(limit).fill(200));
          onB.forEach((response) => expectRateLimited(response, limit));
          expect(otherOnB.map((response) => response.status)).toEqual([200, 200]);
          return;
        }
      });
    });
  }
});
