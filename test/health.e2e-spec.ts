import { startTestApp, TestApp } from './support/test-app';

describe('health and docs (e2e)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  it('GET /health/live answers 200 without auth', async () => {
    const response = await app.http.get('/health/live').expect(200);
    expect(response.body).toEqual({ status: 'ok' });
    expect(response.headers['request-id']).toEqual(expect.any(String));
  });

  it('GET /health/ready answers 200 with the database ok, without auth', async () => {
    const response = await app.http.get('/health/ready').expect(200);
    expect(response.body.status).toBe('ok');
    expect(response.body.checks.database).toBe('ok');
  });

  it('health routes ignore a bogus Authorization header', async () => {
    await app.http.get('/health/live').set('Authorization', 'Bearer sk_test_nope').expect(200);
    await app.http.get('/health/ready').set('Authorization', 'Bearer sk_test_nope').expect(200);
  });

  it('GET /docs serves the Swagger UI', async () => {
    const response = await app.http.get('/docs').redirects(2).expect(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.text).toMatch(/swagger/i);
  });

  it('GET /openapi.json is a valid OpenAPI 3 document describing the payment routes', async () => {
    const response = await app.http.get('/openapi.json').expect(200);
    const document = typeof response.body === 'object' && Object.keys(response.body).length > 0 ? response.body : JSON.parse(response.text);
    expect(document.openapi).toMatch(/^3\./);
    expect(document.paths['/v1/payments']).toBeDefined();
    expect(document.paths['/v1/payments'].post).toBeDefined();
    expect(document.paths['/v1/payments'].get).toBeDefined();
    expect(document.paths['/v1/payments/{id}']).toBeDefined();
    expect(document.paths['/v1/payments/{id}/capture']).toBeDefined();
    expect(document.paths['/v1/payments/{id}/cancel']).toBeDefined();
    expect(document.paths['/v1/merchants']).toBeDefined();
    expect(document.paths['/v1/api-keys']).toBeDefined();
    expect(document.components.schemas.CreatePaymentDto).toBeDefined();
  });
});
