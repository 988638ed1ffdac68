/**
 * Test scripts (and the variables they set) added to the generated Postman collection, by
 * operationId. The collection runs in folder order against a fresh merchant: payments, refunds,
 * events, endpoints, keys, then the merchant (its DELETE last).
 */
const json = 'const body = pm.response.json();';
const status = (code: number) => `pm.test('answers ${code}', () => pm.response.to.have.status(${code}));`;
const requestId = `pm.test('carries Request-Id', () => pm.expect(pm.response.headers.get('Request-Id')).to.match(/^req_/));`;
const errorShape = (code: string) =>
  `pm.test('error ${code} in the documented shape', () => { pm.expect(body.error.code).to.eql('${code}'); pm.expect(body.error.type).to.be.a('string'); pm.expect(body.error.request_id).to.match(/^req_/); });`;

export const POSTMAN_TESTS: Record<string, string[]> = {
  HealthController_live: [status(200)],
  // The 3-D Secure page is HTML for the customer's browser: an unknown token gets the "expired" page.
  ThreeDSecurePageController_show: [status(410), `pm.test('an HTML page', () => pm.expect(pm.response.headers.get('Content-Type')).to.include('text/html'));`],
  ThreeDSecurePageController_choose: [status(410), `pm.test('an HTML page', () => pm.expect(pm.response.headers.get('Content-Type')).to.include('text/html'));`],
  HealthController_ready: [status(200), json, `pm.test('database ok', () => pm.expect(body.checks.database).to.eql('ok'));`],
  PaymentsController_create: [
    status(201), requestId, json,
    `pm.test('a manual-capture payment is AUTHORIZED', () => { pm.expect(body.id).to.match(/^pay_/); pm.expect(body.status).to.eql('AUTHORIZED'); pm.expect(body.payment_method.card.last4).to.eql('4242'); });`,
    `pm.collectionVariables.set('paymentId', body.id);`,
  ],
  PaymentsController_list: [status(200), json, `pm.test('lists the payment', () => pm.expect(body.data.map((p) => p.id)).to.include(pm.collectionVariables.get('paymentId')));`],
  PaymentsController_get: [status(200), json, `pm.test('is the payment', () => pm.expect(body.id).to.eql(pm.collectionVariables.get('paymentId')));`],
  PaymentsController_capture: [status(200), json, `pm.test('captured', () => { pm.expect(body.status).to.eql('CAPTURED'); pm.expect(body.amount_captured).to.be.above(0); });`],
  PaymentsController_cancel: [status(409), json, errorShape('payment_invalid_state')],
  RefundsController_create: [
    status(201), json,
    `pm.test('refund succeeded', () => { pm.expect(body.id).to.match(/^re_/); pm.expect(body.status).to.eql('SUCCEEDED'); });`,
    `pm.collectionVariables.set('refundId', body.id);`,
  ],
  RefundsController_list: [status(200), json, `pm.test('a list', () => pm.expect(body.object).to.eql('list'));`],
  RefundsController_get: [status(200), json, `pm.test('is the refund', () => pm.expect(body.id).to.eql(pm.collectionVariables.get('refundId')));`],
  EventsController_list: [
    status(200), json,
    `pm.test('the payment has events', () => pm.expect(body.data.length).to.be.above(0));`,
    `pm.collectionVariables.set('eventId', body.data[0].id);`,
  ],
  EventsController_get: [status(200), json, `pm.test('is the event', () => pm.expect(body.id).to.eql(pm.collectionVariables.get('eventId')));`],
  EventsController_deliveries: [status(200), json, `pm.test('a list', () => pm.expect(body.object).to.eql('list'));`],
  EventsController_resend: [status(202)],
  WebhookEndpointsController_create: [
    status(201), json,
    `pm.test('shows the signing secret once', () => pm.expect(body.secret).to.match(/^whsec_/));`,
    `pm.collectionVariables.set('endpointId', body.id);`,
  ],
  WebhookEndpointsController_list: [status(200), json, `pm.test('never shows secrets', () => body.data.forEach((e) => pm.expect(e).to.not.have.property('secret')));`],
  WebhookEndpointsController_get: [status(200), json, `pm.test('is the endpoint', () => pm.expect(body.id).to.eql(pm.collectionVariables.get('endpointId')));`],
  WebhookEndpointsController_update: [status(200)],
  WebhookEndpointsController_rotateSecret: [status(200), json, `pm.test('a new secret', () => pm.expect(body.secret).to.match(/^whsec_/));`],
  WebhookEndpointsController_remove: [status(200)],
  ApiKeysController_create: [status(201), json, `pm.test('shows the secret once', () => pm.expect(body.secret).to.match(/^sk_test_/));`, `pm.collectionVariables.set('apiKeyId', body.id);`],
  ApiKeysController_list: [status(200), json, `pm.test('never shows secrets', () => body.data.forEach((k) => pm.expect(k.secret).to.be.undefined));`],
  ApiKeysController_revoke: [status(200), json, `pm.test('revoked', () => pm.expect(body.revoked_at).to.be.a('string'));`],
  MerchantsController_create: [status(201), json, `pm.test('carries its first key', () => pm.expect(body.api_key.secret).to.match(/^sk_test_/));`],
  MerchantsController_me: [status(200), json, `pm.test('a merchant', () => pm.expect(body.id).to.match(/^mer_/));`],
  MerchantsController_remove: [status(204)],
  // v2 routes (used once they are in openapi.json).
  TimelineController_get: [status(200), json, `pm.test('transitions in time order', () => pm.expect(body.data.filter((e) => e.type === 'transition').length).to.be.above(0));`],
  TestClockController_get: [status(200), json, `pm.test('a test clock', () => pm.expect(body.object).to.eql('test_clock'));`],
  TestClockController_advance: [status(200), json, `pm.test('a week ahead', () => pm.expect(body.offset_ms).to.be.at.least(7 * 24 * 3600 * 1000));`],
  TestClockController_freeze: [status(200), json, `pm.test('frozen', () => pm.expect(body.frozen).to.eql(true));`],
  TestClockController_unfreeze: [status(200), json, `pm.test('running', () => pm.expect(body.frozen).to.eql(false));`],
};

/** Path variable `id` of each operation → the collection variable holding the right id. */
export const POSTMAN_PATH_IDS: Record<string, string> = {
  PaymentsController_get: 'paymentId',
  PaymentsController_capture: 'paymentId',
  PaymentsController_cancel: 'paymentId',
  RefundsController_create: 'paymentId',
  RefundsController_get: 'refundId',
  EventsController_get: 'eventId',
  EventsController_deliveries: 'eventId',
  EventsController_resend: 'eventId',
  WebhookEndpointsController_get: 'endpointId',
  WebhookEndpointsController_update: 'endpointId',
  WebhookEndpointsController_remove: 'endpointId',
  WebhookEndpointsController_rotateSecret: 'endpointId',
  ApiKeysController_revoke: 'apiKeyId',
  TimelineController_get: 'paymentId',
};

/** Query parameters to send (the others stay in the request, disabled). */
export const POSTMAN_QUERY: Record<string, Record<string, string>> = {
  EventsController_list: { payment_id: '{{paymentId}}' },
  RefundsController_list: { payment_id: '{{paymentId}}' },
};

/** Body fields changed so the requests run in sequence (create a manual-capture payment, capture part of it…); undefined drops one. */
export const POSTMAN_BODY_CHANGES: Record<string, Record<string, unknown>> = {
  // The converter cannot fake the card inside the discriminated payment_method (too deeply nested): give it one.
  PaymentsController_create: { capture_method: 'manual', payment_method: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' } } },
  EventsController_resend: { endpoint_id: undefined },
  TestClockController_advance: { by: '7d', to: undefined },
};

/**
 * Requests without their own entry above (a route added since): the answer is not a server error, and
 * an error answer has the documented shape. Give main requests their own tests.
 */
export const POSTMAN_DEFAULT_TESTS = [
  `pm.test('no server error', () => pm.expect(pm.response.code).to.be.below(500));`,
  `if (pm.response.code >= 400) pm.test('error in the documented shape', () => { const body = pm.response.json(); pm.expect(body.error.code).to.be.a('string'); pm.expect(body.error.request_id).to.match(/^req_/); });`,
];

/** Tag folders in run order: these first, then any other tag, then POSTMAN_LAST_FOLDERS (the merchant's DELETE ends the run). */
export const POSTMAN_FIRST_FOLDERS = ['Health', 'Payments', 'Refunds', 'Events', 'Webhook endpoints'];
export const POSTMAN_LAST_FOLDERS = ['API keys', 'Merchants'];

/** Runs before every request: signs up a merchant when no apiKey is set (a fresh run in Postman or newman). */
export const POSTMAN_SIGN_UP = [
  "if (!pm.collectionVariables.get('apiKey') && !pm.environment.get('apiKey')) {",
  "  pm.sendRequest({ url: pm.variables.get('baseUrl') + '/v1/merchants', method: 'POST', header: { 'Content-Type': 'application/json' },",
  "    body: { mode: 'raw', raw: JSON.stringify({ name: 'Postman run' }) } }, (error, response) => {",
  "    if (error) throw error;",
  "    pm.collectionVariables.set('apiKey', response.json().api_key.secret);",
  '  });',
  '}',
];
