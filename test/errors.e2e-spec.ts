import { bearer, createMerchant, startTestApp, TestApp, TestMerchant } from './support/test-app';

const ERROR_KEYS = ['code', 'message', 'param', 'request_id', 'type'];

function expectErrorBody(response: { body: unknown; headers: Record<string, string> }, type: string, code: string): void {
  const body = response.body as { error: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error).toMatchObject({ type, code });
  expect(typeof body.error.message).toBe('string');
  expect(body.error.request_id).toBe(response.headers['request-id']);
  for (const key of Object.keys(body.error)) expect([...ERROR_KEYS, 'payment_id', 'status']).toContain(key);
  expect(JSON.stringify(body)).not.toMatch(/\s+at\s+\S+\s+\(|node_modules|\.ts:\d+/);
}

describe('errors and Request-Id (e2e)', () => {
  let app: TestApp;
  let merchant: TestMerchant;

  beforeAll(async () => {
    app = await startTestApp();
    merchant = await createMerchant(app.http, 'errors');
  });

  afterAll(async () => {
    await app.close();
  });

  it.each([
    ['GET', '/v1/nope'],
    ['POST', '/v1/nope'],
    ['GET', '/nope'],
    ['DELETE', '/v1/payments'],
    ['PUT', '/v1/payments/pay_123'],
  ])('%s %s is 404 route_not_found in the standard body', async (method, path) => {
    const response = await app.http[method.toLowerCase() as 'get'](path).set(bearer(merchant)).expect(404);
    expectErrorBody(response, 'invalid_request_error', 'route_not_found');
    expect(response.headers['content-type']).toMatch(/application\/json/);
  });

  it('an unknown route without auth is still a 404 route_not_found (not 401)', async () => {
    const response = await app.http.get('/v1/definitely-not-here').expect(404);
    expectErrorBody(response, 'invalid_request_error', 'route_not_found');
  });

  it('a missing object is 404 resource_missing naming the id', async () => {
    const response = await app.http.get('/v1/payments/pay_doesnotexist').set(bearer(merchant)).expect(404);
    expectErrorBody(response, 'invalid_request_error', 'resource_missing');
    expect(response.body.error.message).toContain('pay_doesnotexist');
  });

  it('every response carries a unique Request-Id (success, 4xx, 404 route, health)', async () => {
    const responses = await Promise.all([
      app.http.get('/v1/merchants/me').set(bearer(merchant)).expect(200),
      app.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 100, currency: 'usd' }).expect(201),
      app.http.get('/v1/payments').expect(401),
      app.http.post('/v1/payments').set(bearer(merchant)).send({ currency: 'usd' }).expect(400),
      app.http.get('/v1/nowhere').expect(404),
      app.http.get('/health/live').expect(200),
      app.http.get('/openapi.json').expect(200),
    ]);
    const ids = responses.map((response) => response.headers['request-id']);
    for (const id of ids) expect(id).toEqual(expect.stringMatching(/^\S{8,}$/));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a client-sent Request-Id header is not echoed back as ours', async () => {
    const response = await app.http.get('/v1/merchants/me').set(bearer(merchant)).set('Request-Id', 'attacker-chosen').expect(200);
    expect(response.headers['request-id']).not.toBe('attacker-chosen');
  });

  it('the 401 body has the authentication_error shape and request id', async () => {
    const response = await app.http.get('/v1/payments').expect(401);
    expectErrorBody(response, 'authentication_error', 'api_key_missing');
  });
});
