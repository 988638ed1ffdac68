import { callAs, factoryCoverage, normalizedBody, openApiDocument, routeFactories, routesWithPathParameters, withId } from './support/isolation-routes';
import { bearer, createMerchant, startTestApp, TestApp, TestMerchant } from './support/test-app';

/**
 * The fast form of test/faults/isolation-routes.fault-spec.ts (same generator), in `npm test`:
 * every documented operation with an {id}, called by merchant B on merchant A's object, answers
 * exactly what it answers for an id that does not exist (whole body, but for the id and request id),
 * and A's object reads the same afterwards. The fault spec adds row snapshots of every table.
 */
describe('isolation on every route with an id (generated from OpenAPI)', () => {
  let app: TestApp;
  let a: TestMerchant;
  let b: TestMerchant;

  beforeAll(async () => {
    app = await startTestApp({ PROCESS_ROLE: 'api' });
    a = await createMerchant(app.http, 'isolation A');
    b = await createMerchant(app.http, 'isolation B');
    await app.http.post('/v1/webhook-endpoints').set(bearer(a)).send({ url: 'https://hooks.example.test/a' }).expect(201);
  });

  afterAll(async () => {
    await app.http.delete('/v1/merchants/me').set(bearer(a));
    await app.http.delete('/v1/merchants/me').set(bearer(b));
    await app.close();
  });

  it("answers B on each of A's objects exactly like a missing id, and A's object is unchanged", async () => {
    const routes = routesWithPathParameters(await openApiDocument(app.http));
    const factories = routeFactories(app.http, a);
    expect(routes.length).toBeGreaterThan(0);
    expect(factoryCoverage(routes, factories)).toEqual({ missing: [], stale: [] });
    for (const route of routes) {
      const factory = factories[route.key];
      const object = await factory.create();
      const before = await object.read();
      const foreign = await callAs(app.http, b, route.method, withId(route.path, object.id), factory.body);
      const missing = await callAs(app.http, b, route.method, withId(route.path, factory.missingId), factory.body);
      expect({ route: route.key, status: foreign.status, code: foreign.body?.error?.code }).toEqual({
        route: route.key,
        status: 404,
        code: 'resource_missing',
      });
      expect({ route: route.key, status: missing.status }).toEqual({ route: route.key, status: 404 });
      expect({ route: route.key, body: normalizedBody(foreign.body, object.id) }).toEqual({
        route: route.key,
        body: normalizedBody(missing.body, factory.missingId),
      });
      expect(await object.read()).toEqual(before);
    }
  });
});
