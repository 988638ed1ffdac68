import type TestAgent from 'supertest/lib/agent';
import { bearer, TestMerchant } from './test-app';

/**
 * The generator behind both isolation checks (test/isolation-routes.e2e-spec.ts in `npm test`,
 * test/faults/isolation-routes.fault-spec.ts with row snapshots): every operation on a path with
 * a path parameter, from the live OpenAPI document, with a factory that creates merchant A's object
 * for it. A documented route without a factory (or a factory without a route) fails both.
 */
export type Method = 'get' | 'post' | 'patch' | 'delete' | 'put';

export interface OwnedObject {
  id: string;
  /** A's view of the object (read as A): must be identical before and after B's call. */
  read(): Promise<unknown>;
}

export interface RouteCase {
  /** Creates a fresh object of A's for this route. */
  create(): Promise<OwnedObject>;
  /** A body that would be accepted (2xx) if A sent it, so only ownership stands in the way. */
  body?: object;
  /** How the same route looks for an id of that kind that does not exist. */
  missingId: string;
}

export interface Route {
  key: string;
  method: Method;
  path: string;
}

interface OpenApiDocument {
  paths: Record<string, Partial<Record<Method, { parameters?: Array<{ in: string; name: string }> }>>>;
}

export const MISSING = {
  payment: 'pay_01ZZZZZZZZZZZZZZZZZZZZZZZZ',
  refund: 're_01ZZZZZZZZZZZZZZZZZZZZZZZZ',
  event: 'evt_01ZZZZZZZZZZZZZZZZZZZZZZZZ',
  endpoint: 'we_01ZZZZZZZZZZZZZZZZZZZZZZZZ',
  apiKey: 'key_01ZZZZZZZZZZZZZZZZZZZZZZZZ',
  riskRule: 'rr_01ZZZZZZZZZZZZZZZZZZZZZZZZ',
  review: 'rv_01ZZZZZZZZZZZZZZZZZZZZZZZZ',
  scenario: 'scn_01ZZZZZZZZZZZZZZZZZZZZZZZZ',
  connector: 'missing_sim',
};

/** One entry per operation on a path with a path parameter. Adding a route to the API means adding one here. */
export function routeFactories(http: TestAgent, a: TestMerchant): Record<string, RouteCase> {
  const asA = (method: Method, path: string) => http[method](path).set(bearer(a));

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

  let connectorCount = 0;
  /** A custom connector of A's (the built-ins are every merchant's own copies, so B's id is B's). */
  async function connectorObject(): Promise<OwnedObject> {
    const id = `a_only_${connectorCount++}`;
    await asA('post', '/v1/connectors').send({ id, methods: ['card'] }).expect(201);
    return {
      id,
      read: async () => ({
        connector: (await asA('get', `/v1/connectors/${id}`).expect(200)).body,
        health: (await asA('get', `/v1/connectors/${id}/health`).expect(200)).body,
      }),
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

  async function riskRuleObject(): Promise<OwnedObject> {
    const id = (await asA('post', '/v1/risk-rules').send({ action: 'review', predicate: ':amount_in_usd: > 1000000' }).expect(201)).body.id;
    return { id, read: async () => (await asA('get', '/v1/risk-rules').expect(200)).body };
  }

  async function scenarioObject(): Promise<OwnedObject> {
    const id = (await asA('post', '/v1/simulation-scenarios').send({ match: { customer_email: 'isolation@example.test' }, outcomes: ['card_declined'] }).expect(201)).body.id;
    return { id, read: async () => (await asA('get', `/v1/simulation-scenarios/${id}`).expect(200)).body };
  }

  async function reviewObject(): Promise<OwnedObject> {
    // The elevated-risk test card opens a review (default review rule).
    const card = { number: '4000000000009235', exp_month: 12, exp_year: 2099 };
    const paymentId = (await asA('post', '/v1/payments').send({ amount: 5000, currency: 'usd', payment_method: { type: 'card', card } }).expect(201)).body.id;
    const reviews = (await asA('get', '/v1/reviews?status=open&limit=100').expect(200)).body.data as Array<{ id: string; payment_id: string }>;
    const id = reviews.find((review) => review.payment_id === paymentId)!.id;
    return { id, read: async () => (await asA('get', `/v1/reviews/${id}`).expect(200)).body };
  }

  async function pendingPaymentObject(): Promise<OwnedObject> {
    const body = { amount: 5000, currency: 'inr', payment_method: { type: 'upi', upi: { vpa: 'success@sandbox', flow: 'collect' } } };
    const id = (await asA('post', '/v1/payments').send(body).expect(201)).body.id;
    return { id, read: readPayment(id) };
  }

  return {
    'DELETE /v1/risk-rules/{id}': { create: riskRuleObject, missingId: MISSING.riskRule },
    'GET /v1/reviews/{id}': { create: reviewObject, missingId: MISSING.review },
    'GET /v1/simulation-scenarios/{id}': { create: scenarioObject, missingId: MISSING.scenario },
    'DELETE /v1/simulation-scenarios/{id}': { create: scenarioObject, missingId: MISSING.scenario },
    'POST /v1/reviews/{id}/approve': { create: reviewObject, missingId: MISSING.review },
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
    'GET /v1/connectors/{id}': { create: connectorObject, missingId: MISSING.connector },
    'PATCH /v1/connectors/{id}': { create: connectorObject, body: { enabled: false, profile: { technical_error_rate: 1 } }, missingId: MISSING.connector },
    'POST /v1/connectors/{id}/outages': { create: connectorObject, body: { for: '5m' }, missingId: MISSING.connector },
    'DELETE /v1/connectors/{id}/outages': { create: connectorObject, missingId: MISSING.connector },
    'GET /v1/connectors/{id}/health': { create: connectorObject, missingId: MISSING.connector },
    'POST /v1/connectors/{id}/circuit': { create: connectorObject, body: { state: 'open' }, missingId: MISSING.connector },
    'POST /v1/payments/{id}/customer-action': { create: pendingPaymentObject, body: { action: 'approve' }, missingId: MISSING.payment },
  };
}

/**
 * Routes whose path parameter is a capability, not a merchant's object id: no API key is asked,
 * the unguessable one-time token is the credential (test/three-d-secure-page.e2e-spec.ts covers them).
 */
export const CAPABILITY_ROUTES: Readonly<Record<string, string>> = {
  'GET /v1/3ds/{token}': '3-D Secure challenge page',
  'POST /v1/3ds/{token}': '3-D Secure challenge answer',
};

export async function openApiDocument(http: TestAgent): Promise<OpenApiDocument> {
  return (await http.get('/openapi.json').expect(200)).body;
}

export function routesWithPathParameters(document: OpenApiDocument): Route[] {
  const routes: Route[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations) as Array<[Method, { parameters?: Array<{ in: string }> }]>) {
      const hasPathParameter = /\{[^}]+\}/.test(path) || (operation.parameters ?? []).some((p) => p.in === 'path');
      const key = `${method.toUpperCase()} ${path}`;
      if (hasPathParameter && !CAPABILITY_ROUTES[key]) routes.push({ key, method, path });
    }
  }
  return routes;
}

/** Documented routes without a factory, and factories for routes that are no longer documented: both must be empty. */
export function factoryCoverage(routes: Route[], factories: Record<string, RouteCase>): { missing: string[]; stale: string[] } {
  const documented = routes.map((route) => route.key);
  return {
    missing: documented.filter((key) => !factories[key]),
    stale: Object.keys(factories).filter((key) => !documented.includes(key)),
  };
}

export function callAs(http: TestAgent, merchant: TestMerchant, method: Method, path: string, body?: object) {
  const request = http[method](path).set(bearer(merchant));
  return body ? request.send(body) : request;
}

export const withId = (path: string, id: string) => path.replace(/\{[^}]+\}/g, id);

/**
 * The whole response body with the id it names replaced (and the request id, which differs per
 * call): B's answer on A's object must equal this for an id that never existed.
 */
export function normalizedBody(body: unknown, id: string): unknown {
  const text = JSON.stringify(body ?? null).split(id).join('<id>');
  const parsed = JSON.parse(text);
  if (parsed?.error && typeof parsed.error === 'object' && 'request_id' in parsed.error) parsed.error.request_id = '<request>';
  return parsed;
}
