import { burst, expectRateLimited } from './support/rate-limit';
import { createMerchant, startTestApp, TestApp, TestMerchant } from './support/test-app';
import { isEmbeddedTestMode, TEST_REDIS_URL } from './support/test-env';

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
});
