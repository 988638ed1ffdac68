import { DataSource } from 'typeorm';
import {
  callAs,
  factoryCoverage,
  Method,
  normalizedBody,
  openApiDocument,
  RouteCase,
  routeFactories,
  routesWithPathParameters,
  withId,
} from '../support/isolation-routes';
import { bearer, createMerchant, startTestApp, TestApp, TestMerchant } from '../support/test-app';

/**
 * Scenario 7 (isolation), generated from the live OpenAPI document: every operation on a path
 * with a path parameter, called with merchant B's key on merchant A's object, is 404
 * resource_missing (answered exactly like an id that does not exist) and changes nothing.
 * An operation without a factory below fails the test, so a new route cannot be forgotten.
 */

// Every table, counted globally: B's call must not add or remove a row anywhere.
const TABLES = [
  'merchants',
  'api_keys',
  'payments',
  'payment_history',
  'refunds',
  'events',
  'idempotency_keys',
  'webhook_endpoints',
  'webhook_deliveries',
  'webhook_attempts',
  'risk_rules',
  'reviews',
  'connectors',
  'routing_configs',
  'payment_attempts',
  'simulation_scenarios',
];

// A's rows, hashed in full (api_keys without last_used_at, which A's own reads touch).
const MERCHANT_ROWS: Record<string, string> = {
  payments: 'SELECT t::text AS r FROM payments t WHERE merchant_id = $1',
  payment_history: 'SELECT h::text AS r FROM payment_history h JOIN payments p ON p.id = h.payment_id WHERE p.merchant_id = $1',
  refunds: 'SELECT t::text AS r FROM refunds t WHERE merchant_id = $1',
  events: 'SELECT t::text AS r FROM events t WHERE merchant_id = $1',
  api_keys: 'SELECT concat_ws(\'|\', id, name, revoked_at) AS r FROM api_keys WHERE merchant_id = $1',
  webhook_endpoints: 'SELECT t::text AS r FROM webhook_endpoints t WHERE merchant_id = $1',
  webhook_deliveries: 'SELECT t::text AS r FROM webhook_deliveries t WHERE merchant_id = $1',
  risk_rules: 'SELECT t::text AS r FROM risk_rules t WHERE merchant_id = $1',
  reviews: 'SELECT t::text AS r FROM reviews t WHERE merchant_id = $1',
  connectors: 'SELECT t::text AS r FROM connectors t WHERE merchant_id = $1',
  payment_attempts: 'SELECT t::text AS r FROM payment_attempts t WHERE merchant_id = $1',
  simulation_scenarios: 'SELECT t::text AS r FROM simulation_scenarios t WHERE merchant_id = $1',
};

jest.setTimeout(60_000);

describe('isolation on every route with an id (fault)', () => {
  let app: TestApp;
  let db: DataSource;
  let a: TestMerchant;
  let b: TestMerchant;
  let routes: ReturnType<typeof routesWithPathParameters>;
  let FACTORIES: Record<string, RouteCase>;

  beforeAll(async () => {
    // API role: no delivery worker, so nothing changes in the background between snapshots.
    app = await startTestApp({ PROCESS_ROLE: 'api' });
    db = app.sandbox.app.get(DataSource);
    a = await createMerchant(app.http, 'isolation A');
    b = await createMerchant(app.http, 'isolation B');
    // A has an endpoint so its events have deliveries (the delivery log is one of the objects).
    await app.http.post('/v1/webhook-endpoints').set(bearer(a)).send({ url: 'https://hooks.example.test/a' }).expect(201);
    // B has objects of every kind too, so B is a real tenant and not an empty one.
    await app.http.post('/v1/webhook-endpoints').set(bearer(b)).send({ url: 'https://hooks.example.test/b' }).expect(201);
    await app.http.post('/v1/payments').set(bearer(b)).send({ amount: 500, currency: 'usd' }).expect(201);
    routes = routesWithPathParameters(await openApiDocument(app.http));
    FACTORIES = routeFactories(app.http, a);
  });

  afterAll(async () => {
    // Leaves no endpoints or pending deliveries behind for later suites' delivery workers.
    await app.http.delete('/v1/merchants/me').set(bearer(a));
    await app.http.delete('/v1/merchants/me').set(bearer(b));
    await app.close();
  });

  async function snapshot(): Promise<Record<string, unknown>> {
    const counts: Record<string, number> = {};
    for (const table of TABLES) counts[table] = (await db.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
    const rowsOfA: Record<string, string> = {};
    for (const [table, sql] of Object.entries(MERCHANT_ROWS)) {
      rowsOfA[table] = ((await db.query(sql, [a.id])) as Array<{ r: string }>).map((row) => row.r).sort().join('\n');
    }
    return { counts, rowsOfA };
  }

  const call = (method: Method, path: string, merchant: TestMerchant, body?: object) => callAs(app.http, merchant, method, path, body);

  it('every operation on a path with an id has an object factory (a new route cannot be forgotten)', () => {
    expect(routes.length).toBeGreaterThan(0);
    // And no factory for a route that no longer exists (the list stays the route list).
    expect(factoryCoverage(routes, FACTORIES)).toEqual({ missing: [], stale: [] });
  });

  it("merchant B gets 404 resource_missing on each of A's objects, shaped like a missing id, and nothing changes", async () => {
    const covered = routes.filter((route) => FACTORIES[route.key]);
    const statuses: Record<string, number> = {};
    for (const route of covered) {
      const factory = FACTORIES[route.key];
      const object = await factory.create();
      const viewBefore = await object.read();
      const before = await snapshot();

      const response = await call(route.method, withId(route.path, object.id), b, factory.body);
      statuses[route.key] = response.status;

      const after = await snapshot();
      const viewAfter = await object.read();
      expect({ route: route.key, status: response.status, code: response.body?.error?.code }).toEqual({
        route: route.key,
        status: 404,
        code: 'resource_missing',
      });
      expect(after).toEqual(before);
      expect(viewAfter).toEqual(viewBefore);
      // No existence oracle: the answer equals the one for an id that never existed, but for the id itself.
      const missing = await call(route.method, withId(route.path, factory.missingId), b, factory.body);
      expect(missing.status).toBe(404);
      expect(normalizedBody(response.body, object.id)).toEqual(normalizedBody(missing.body, factory.missingId));
      expect(JSON.stringify(response.body)).not.toMatch(/AUTHORIZED|CAPTURED|whsec_|hooks\.example|"amount"/);
    }
    console.log(
      JSON.stringify({
        scenario: 'isolation-routes',
        routes_with_id: covered.length,
        cross_merchant_calls: covered.length,
        not_found: Object.values(statuses).filter((s) => s === 404).length,
        rows_changed: 0,
      }),
    );
  });

  it("an id in the body is isolated too: B resending its own event to A's endpoint is 404 and creates no delivery", async () => {
    const endpointOfA = await FACTORIES['GET /v1/webhook-endpoints/{id}'].create();
    const paymentOfB = (await call('post', '/v1/payments', b, { amount: 700, currency: 'usd' }).expect(201)).body.id;
    const eventOfB = (await call('get', `/v1/events?payment_id=${paymentOfB}&limit=1`, b).expect(200)).body.data[0].id;
    const before = await snapshot();
    const response = await call('post', `/v1/events/${eventOfB}/resend`, b, { endpoint_id: endpointOfA.id }).expect(404);
    expect(response.body.error).toMatchObject({ code: 'resource_missing', param: 'endpoint_id' });
    expect(await snapshot()).toEqual(before);
  });
});
