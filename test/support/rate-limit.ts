import type { Response } from 'supertest';
import { bearer, TestApp, TestMerchant } from './test-app';

let prefixSeq = 0;
/** Other runs share the Redis: every app group gets its own key prefix. */
export function uniquePrefix(): string {
  prefixSeq += 1;
  return `ratelimit-test-${process.pid}-${Date.now()}-${prefixSeq}`;
}

function listPayments(app: TestApp, merchant: TestMerchant): Promise<Response> {
  return app.http.get('/v1/payments').set(bearer(merchant)).then((response) => response);
}

export function burst(app: TestApp, merchant: TestMerchant, count: number): Promise<Response[]> {
  return Promise.all(Array.from({ length: count }, () => listPayments(app, merchant)));
}

export function expectRateLimited(response: Response, limit: number): void {
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

