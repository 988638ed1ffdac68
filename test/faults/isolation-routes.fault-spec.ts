import { DataSource } from 'typeorm';
import { bearer, createMerchant, startTestApp, TestApp, TestMerchant } from '../support/test-app';

/**
 * Scenario 7 (isolation), generated from the live OpenAPI document: every operation on a path
 * with a path parameter, called with merchant B's key on merchant A's object, is 404
 * resource_missing (answered exactly like an id that does not exist) and changes nothing.
 * An operation without a factory below fails the test, so a new route cannot be forgotten.
 */

type Method = 'get' | 'post' | 'patch' | 'delete' | 'put';

interface OwnedObject {
  id: string;
  /** A's view of the object (read as A): must be identical before and after B's call. */
  read(): Promise<unknown>;
}

interface RouteCase {
  /** Creates a fresh object of A's for this route. */
  create(): Promise<OwnedObject>;
  /** A body that would be accepted (2xx) if A sent it, so only ownership stands in the way. */
  body?: object;
  /** How the same route looks for an id of that kind that does not exist. */
  missingId: string;
}

interface OpenApiDocument {
  paths: Record<string, Partial<Record<Method, { parameters?: Array<{ in: string; name: string }> }>>>;
}

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
};

describe('isolation on every route with an id (fault)', () => {
  let app: TestApp;
  let db: DataSource;
  let a: TestMerchant;
  let b: TestMerchant;
  let document: OpenApiDocument;

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
    document = (await app.http.get('/openapi.json').expect(200)).body;
  });

  afterAll(async () => {
    // Leaves no endpoints or pending deliveries behind for later suites' delivery workers.
    await app.http.delete('/v1/merchants/me').set(bearer(a));
    await app.http.delete('/v1/merchants/me').set(bearer(b));
    await app.close();
  });

  const asA = (method: Method, path: string) => app.http[method](path).set(bearer(a));

  async function payment(captureMethod: 'automatic' | 'manual'): Promise<string> {
    return (await asA('post', '/v1/payments').send({ amount: 5000, currency: 'usd', capture_method: captureMethod }).expect(201)).body.id;
  }

  const readPayment = (id: string) => async () => (await asA('get', `/v1/payments/${id}`).expect(200)).body;
  const paymentObject = (captureMethod: 'automatic' | 'manual') => async (): Promise<OwnedObject> => {
    const id = await payment(captureMethod);
    return { id, read: readPayment(id) };
  };

  async function eventObject(): Promise<OwnedObject> {
    const paymentId = await payment('automatic');
    const events = (await asA('get', `/v1/events?payment_id=${paymentId}&limit=100`).expect(200)).body.data as Array<{ id: string }>;
    const id = events[0].id;
    return {
      id,
      read: async () => ({
        event: (await asA('get', `/v1/events/${id}`).expect(200)).body,
        deliveries: (await asA('get', `/v1/events/${id}/deliveries`).expect(200)).body,
      }),
    };
  }

  async function endpointObject(): Promise<OwnedObject> {
    const id = (await asA('post', '/v1/webhook-endpoints').send({ url: 'https://hooks.example.test/x', description: 'A' }).expect(201)).body.id;
    return { id, read: async () => (await asA('get', `/v1/webhook-endpoints/${id}`).expect(200)).body };
  }

  async function apiKeyObject(): Promise<OwnedObject> {
    const id = (await asA('post', '/v1/api-keys').send({ name: 'A extra' }).expect(201)).body.id;
    return {
      id,
      read: async () => {
        const keys = (await asA('get', '/v1/api-keys?limit=100').expect(200)).body.data as Array<{ id: string; last_used_at?: unknown }>;
        const { last_used_at: _ignored, ...key } = keys.find((k) => k.id === id) ?? { id: 'gone' };
        return key;
      },
    };
  }

  async function refundObject(): Promise<OwnedObject> {
    const paymentId = await payment('automatic');
    const id = (await asA('post', `/v1/payments/${paymentId}/refunds`).send({ amount: 100 }).expect(201)).body.id;
    return {
      id,
      read: async () => ({ refund: (await asA('get', `/v1/refunds/${id}`).expect(200)).body, payment: await readPayment(paymentId)() }),
    };
  }

  const MISSING = {
    payment: 'pay_01ZZZZZZZZZZZZZZZZZZZZZZZZ',
    refund: 're_01ZZZZZZZZZZZZZZZZZZZZZZZZ',
    event: 'evt_01ZZZZZZZZZZZZZZZZZZZZZZZZ',
    endpoint: 'we_01ZZZZZZZZZZZZZZZZZZZZZZZZ',
    apiKey: 'key_01ZZZZZZZZZZZZZZZZZZZZZZZZ',
  };

  /** One entry per operation on a path with a path parameter. Adding a route to the API means adding one here. */
  const FACTORIES: Record<string, RouteCase> = {
    'DELETE /v1/api-keys/{id}': { create: apiKeyObject, missingId: MISSING.apiKey },
    'GET /v1/payments/{id}': { create: paymentObject('manual'), missingId: MISSING.payment },
    'GET /v1/payments/{id}/timeline': { create: paymentObject('manual'), missingId: MISSING.payment },
    'POST /v1/payments/{id}/capture': { create: paymentObject('manual'), body: { amount: 1000 }, missingId: MISSING.payment },
    'POST /v1/payments/{id}/cancel': { create: paymentObject('manual'), body: {}, missingId: MISSING.payment },
    'POST /v1/payments/{id}/refunds': { create: paymentObject('automatic'), body: { amount: 100 }, missingId: MISSING.payment },
    'GET /v1/refunds/{id}': { create: refundObject, missingId: MISSING.refund },
    'GET /v1/events/{id}': { create: eventObject, missingId: MISSING.event },
    'GET /v1/events/{id}/deliveries': { create: eventObject, missingId: MISSING.event },
    'POST /v1/events/{id}/resend': { create: eventObject, body: {}, missingId: MISSING.event },
    'GET /v1/webhook-endpoints/{id}': { create: endpointObject, missingId: MISSING.endpoint },
    'PATCH /v1/webhook-endpoints/{id}': {
      create: endpointObject,
      body: { url: 'https://attacker.example.test/steal', status: 'disabled', description: 'hijacked' },
      missingId: MISSING.endpoint,
    },
    'DELETE /v1/webhook-endpoints/{id}': { create: endpointObject, missingId: MISSING.endpoint },
    'POST /v1/webhook-endpoints/{id}/rotate-secret': { create: endpointObject, missingId: MISSING.endpoint },
    'POST /v1/payments/{id}/customer-action': { create: pendingPaymentObject, body: { action: 'approve' }, missingId: MISSING.payment },
  };

  /**
   * Routes whose path parameter is a capability, not a merchant's object id: no API key is asked,
   * the unguessable one-time token is the credential (test/three-d-secure-page.e2e-spec.ts covers it).
   */
  const CAPABILITY_ROUTES: Record<string, string> = {
    'GET /v1/3ds/{token}': '3-D Secure challenge page',
    'POST /v1/3ds/{token}': '3-D Secure challenge answer',
  };

  async function pendingPaymentObject(): Promise<OwnedObject> {
    const body = { amount: 5000, currency: 'inr', payment_method: { type: 'upi', upi: { vpa: 'success@sandbox', flow: 'collect' } } };
    const id = (await asA('post', '/v1/payments').send(body).expect(201)).body.id;
    return { id, read: readPayment(id) };
  }

  function routesWithPathParameters(): Array<{ key: string; method: Method; path: string }> {
    const routes: Array<{ key: string; method: Method; path: string }> = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations) as Array<[Method, { parameters?: Array<{ in: string }> }]>) {
        const hasPathParameter = /\{[^}]+\}/.test(path) || (operation.parameters ?? []).some((p) => p.in === 'path');
        if (hasPathParameter) routes.push({ key: `${method.toUpperCase()} ${path}`, method, path });
      }
    }
    return routes;
  }

  async function snapshot(): Promise<Record<string, unknown>> {
    const counts: Record<string, number> = {};
    for (const table of TABLES) counts[table] = (await db.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
    const rowsOfA: Record<string, string> = {};
    for (const [table, sql] of Object.entries(MERCHANT_ROWS)) {
      rowsOfA[table] = ((await db.query(sql, [a.id])) as Array<{ r: string }>).map((row) => row.r).sort().join('\n');
    }
    return { counts, rowsOfA };
  }

  const call = (method: Method, path: string, merchant: TestMerchant, body?: object) => {
    const request = app.http[method](path).set(bearer(merchant));
    return body ? request.send(body) : request;
  };

  it('every operation on a path with an id has an object factory (a new route cannot be forgotten)', () => {
    const documented = routesWithPathParameters()
      .map((route) => route.key)
      .filter((key) => !CAPABILITY_ROUTES[key]);
    expect(documented.length).toBeGreaterThan(0);
    expect(documented.filter((key) => !FACTORIES[key])).toEqual([]);
    // And no factory for a route that no longer exists (the list stays the route list).
    expect(Object.keys(FACTORIES).filter((key) => !documented.includes(key))).toEqual([]);
  });

  it("merchant B gets 404 resource_missing on each of A's objects, shaped like a missing id, and nothing changes", async () => {
    const routes = routesWithPathParameters().filter((route) => FACTORIES[route.key]);
    const statuses: Record<string, number> = {};
    for (const route of routes) {
      const factory = FACTORIES[route.key];
      const object = await factory.create();
      const viewBefore = await object.read();
      const before = await snapshot();

      const response = await call(route.method, route.path.replace(/\{[^}]+\}/g, object.id), b, factory.body);
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
      const missing = await call(route.method, route.path.replace(/\{[^}]+\}/g, factory.missingId), b, factory.body);
      expect(missing.status).toBe(404);
      const normalize = (error: Record<string, unknown>, id: string) =>
        JSON.parse(JSON.stringify({ ...error, request_id: 'x' }).split(id).join('<id>'));
      expect(normalize(response.body.error, object.id)).toEqual(normalize(missing.body.error, factory.missingId));
      expect(JSON.stringify(response.body)).not.toMatch(/AUTHORIZED|CAPTURED|whsec_|hooks\.example|"amount"/);
    }
    console.log(
      JSON.stringify({
        scenario: 'isolation-routes',
        routes_with_id: routes.length,
        cross_merchant_calls: routes.length,
        not_found: Object.values(statuses).filter((s) => s === 404).length,
        rows_changed: 0,
      }),
    );
  });

  it("an id in the body is isolated too: B resending its own event to A's endpoint is 404 and creates no delivery", async () => {
    const endpointOfA = await endpointObject();
    const paymentOfB = (await call('post', '/v1/payments', b, { amount: 700, currency: 'usd' }).expect(201)).body.id;
    const eventOfB = (await call('get', `/v1/events?payment_id=${paymentOfB}&limit=1`, b).expect(200)).body.data[0].id;
    const before = await snapshot();
    const response = await call('post', `/v1/events/${eventOfB}/resend`, b, { endpoint_id: endpointOfA.id }).expect(404);
    expect(response.body.error).toMatchObject({ code: 'resource_missing', param: 'endpoint_id' });
    expect(await snapshot()).toEqual(before);
  });
});
