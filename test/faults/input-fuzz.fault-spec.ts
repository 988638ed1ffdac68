import fc from 'fast-check';
import { stringify } from 'qs';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { ERROR_CODES, ErrorCode } from '../../src/common/errors/error-codes';
import { bearer, createMerchant, startTestApp, TestApp, TestMerchant } from '../support/test-app';
import { API_FAULTS } from '../../src/simulation/simulation-vocabulary';

/**
 * Scenario 6 (bad input): every POST (and PATCH) route in the live OpenAPI document, driven with
 * bodies that fast-check derives from the route's request schema (valid-ish values mutated: wrong
 * types, missing required keys, extra keys, out-of-range numbers, odd strings), then a list of
 * hand-picked nasties sent as raw bytes. Never a 5xx; every error is exactly the documented body;
 * a rejected request persists nothing; Object.prototype stays clean.
 */

/** FUZZ_RUNS=300 for a longer local hunt; the default keeps the suite to a few seconds. */
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 40);

interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  items?: Schema;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  example?: unknown;
}

interface Operation {
  parameters?: Array<{ in: string; name: string }>;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

interface Route {
  key: string;
  method: 'post' | 'patch';
  path: string;
  schema?: Schema;
}

// Outcomes that take seconds by design (a simulated card-network timeout answers 504 after a delay), and the API
// faults simulated on purpose (500, 503, a reset or lost connection: their own specs): not input errors.
const SLOW_ENUM_VALUES = new Set<unknown>(['network_timeout', ...API_FAULTS]);
// Codes a validation-level rejection carries: those must not even leave an idempotency record.
const VALIDATION_CODES = new Set<string>([
  'parameter_invalid',
  'parameter_missing',
  'parameter_unknown',
  'invalid_json',
  'invalid_card_number',
  'body_too_large',
  'unsupported_media_type',
]);
// Besides the core keys, errors may carry context: the payment and its status, the clock's current time (clock_backwards), the accepted values,
// why a forced connector cannot take the payment (reason). The OpenAPI error schema documents each.
const ERROR_KEYS = new Set(['type', 'code', 'message', 'request_id', 'param', 'payment_id', 'status', 'now', 'valid_values', 'reason']);
const STACK_PATTERN = /\bat .+:\d+:\d+|node_modules|\/src\/|\.ts:\d+|Error:/;

function resolve(schema: Schema, document: OpenApiDocument): Schema {
  if (schema.$ref) return resolve(document.components.schemas[schema.$ref.split('/').pop()!], document);
  if (schema.allOf?.length === 1) {
    const { allOf, ...rest } = schema;
    return { ...resolve(allOf[0], document), ...rest };
  }
  return schema;
}

const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 8 }),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
);

const oddString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 12 }), // astral planes and lone surrogates
  fc.constantFrom('', ' ', 'a\u0000b', '\u0000', '💳🏦𝕏', '\ud800', 'ＵＳＤ', 'usd\n', '<script>', "'; DROP TABLE payments;--", '%00'),
);

/** A value for `schema`: usually plausible, sometimes of the wrong type (at every depth). */
function valueFor(schema: Schema, document: OpenApiDocument, name: string, depth: number): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 7, arbitrary: plausible(resolve(schema, document), document, name, depth) }, { weight: 1, arbitrary: wrongType });
}

function plausible(schema: Schema, document: OpenApiDocument, name: string, depth: number): fc.Arbitrary<unknown> {
  if (schema.enum) {
    const values = schema.enum.filter((value) => !SLOW_ENUM_VALUES.has(value));
    return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: oddString });
  }
  if (name === 'simulate_delay_ms') return fc.constantFrom(0, 1, -1, -0, 1.5, 30_001, 1e309);
  switch (schema.type) {
    case 'string':
      return stringFor(schema);
    case 'number':
    case 'integer':
      return numberFor(schema);
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(schema.items ? valueFor(schema.items, document, name, depth + 1) : wrongType, { maxLength: 4 });
    case 'object':
    default:
      return objectFor(schema, document, depth);
  }
}

function stringFor(schema: Schema): fc.Arbitrary<string> {
  const options: fc.Arbitrary<string>[] = [oddString];
  if (typeof schema.example === 'string') options.push(fc.constant(schema.example), fc.constant(schema.example.toUpperCase()));
  if (schema.maxLength !== undefined) options.push(fc.constant('x'.repeat(schema.maxLength)), fc.constant('x'.repeat(schema.maxLength + 1)));
  return fc.oneof(...options);
}

function numberFor(schema: Schema): fc.Arbitrary<number> {
  const min = schema.minimum ?? 1;
  const max = schema.maximum ?? 1_000_000;
  const options: fc.Arbitrary<number>[] = [
    fc.integer({ min, max: Math.min(max, min + 100_000) }),
    fc.constantFrom(min, max, min - 1, max + 1, 0, -0, -1, 1.5, 2 ** 53, 2 ** 53 + 2, Number.MAX_VALUE, -Number.MAX_VALUE),
  ];
  if (typeof schema.example === 'number') options.push(fc.constant(schema.example));
  return fc.oneof(...options);
}

function objectFor(schema: Schema, document: OpenApiDocument, depth: number): fc.Arbitrary<unknown> {
  if (depth > 4) return wrongType;
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    return fc.dictionary(oddString, valueFor(schema.additionalProperties, document, 'value', depth + 1), { maxKeys: 4 });
  }
  const properties = schema.properties ?? {};
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, property] of Object.entries(properties)) model[key] = valueFor(property, document, key, depth + 1);
  const record = fc.record(model, { requiredKeys: schema.required ?? [] });
  const keys = Object.keys(properties);
  return fc.oneof(
    { weight: 6, arbitrary: record },
    // a required (or any) key missing
    {
      weight: 1,
      arbitrary: keys.length === 0 ? record : fc.tuple(record, fc.constantFrom(...keys)).map(([value, key]) => omit(value as object, key)),
    },
    // extra keys, including names that look like internal columns
    {
      weight: 1,
      arbitrary: fc
        .tuple(record, fc.constantFrom('status', 'merchant_id', 'id', 'amount_refunded', 'secret', 'toString', 'hasOwnProperty', 'x'), wrongType)
        .map(([value, key, extra]) => ({ ...(value as object), [key]: extra })),
    },
  );
}

function omit(value: object, key: string): object {
  const copy: Record<string, unknown> = { ...value };
  delete copy[key];
  return copy;
}

/**
 * A value no validator for `schema` may accept. Never null (an optional field accepts it) and no
 * number-like strings (nothing is coerced: enableImplicitConversion is off, but be safe).
 */
function surelyWrong(schema: Schema): fc.Arbitrary<unknown> {
  const structured = fc.constantFrom<unknown>({ nested: 1 }, [1, 2]);
  if (schema.enum) return fc.constantFrom<unknown>('not-a-member', 12345, true).filter((value) => !schema.enum!.includes(value));
  switch (schema.type) {
    case 'string':
      return fc.oneof(fc.integer(), fc.boolean(), structured);
    case 'number':
    case 'integer':
      return fc.oneof(fc.string({ maxLength: 6 }).map((text) => `x${text}`), fc.boolean(), structured);
    case 'boolean':
      return fc.oneof(fc.constant('yes?'), fc.integer({ min: 2 }), structured);
    case 'array':
      return fc.oneof(fc.constant('not-an-array'), fc.integer());
    default:
      return fc.oneof(fc.constant('not-an-object'), fc.integer(), fc.boolean());
  }
}

interface Mutation {
  field: string;
  value: unknown;
  code: 'parameter_invalid' | 'parameter_unknown';
}

/** A valid body broken in exactly one known top-level field: a wrong value, or a field the schema does not have. */
function mutationArbitrary(schema: Schema, document: OpenApiDocument): fc.Arbitrary<Mutation> {
  const properties = schema.properties ?? {};
  const fields = Object.keys(properties);
  const unknown = fc
    .constantFrom('status', 'merchant_id', 'id', 'amount_refunded', 'secret', 'zz_unknown')
    .filter((field) => !fields.includes(field))
    .map((field): Mutation => ({ field, value: 1, code: 'parameter_unknown' }));
  if (fields.length === 0) return unknown;
  const wrong = fc
    .constantFrom(...fields)
    .chain((field) => surelyWrong(resolve(properties[field], document)).map((value): Mutation => ({ field, value, code: 'parameter_invalid' })));
  return fc.oneof({ weight: 3, arbitrary: wrong }, { weight: 1, arbitrary: unknown });
}

/** Request body arbitraries for a route: the schema-derived object, or not an object at all. */
function bodyArbitrary(route: Route, document: OpenApiDocument): fc.Arbitrary<unknown> {
  const object = route.schema ? valueFor(route.schema, document, 'body', 0) : fc.constant({});
  return fc.oneof(
    { weight: 8, arbitrary: object },
    { weight: 1, arbitrary: fc.oneof(fc.constant([]), fc.constant('body'), fc.constant(42), fc.constant(null), fc.constant(true)) },
  );
}

const idempotencyKey: fc.Arbitrary<string | undefined> = fc.option(
  fc.oneof(fc.uuid(), fc.constant('x'.repeat(256)), fc.constant('k'), fc.constant(' ')),
  { freq: 3 },
).map((key) => key ?? undefined);

/** Raw JSON text for `base` plus `key: <raw value text>` (the value is spliced in unparsed). */
function withRaw(base: object, key: string, rawValue: string): string {
  const text = JSON.stringify(base);
  const head = text.slice(0, -1);
  return `${head}${head.length > 1 ? ',' : ''}${JSON.stringify(key)}:${rawValue}}`;
}

interface Nasty {
  name: string;
  contentType?: string;
  body: (base: object) => string | Buffer;
}

const deep = (levels: number, open: string, close: string, leaf = '1') => open.repeat(levels) + leaf + close.repeat(levels);

const NASTIES: Nasty[] = [
  { name: '10 MB body', body: (base) => withRaw(base, 'description', JSON.stringify('a'.repeat(10 * 1024 * 1024))) },
  { name: '1000-level nested object', body: (base) => withRaw(base, 'metadata', deep(1000, '{"a":', '}')) },
  { name: '1000-level nested array', body: (base) => withRaw(base, 'amount', deep(1000, '[', ']')) },
  { name: '100000-level nested object (under the size limit)', body: (base) => withRaw(base, 'x', deep(100_000, '{"a":', '}')) },
  { name: '100k-element array', body: (base) => withRaw(base, 'enabled_events', JSON.stringify(Array(100_000).fill('*'))) },
  { name: '100k-element array of numbers', body: (base) => withRaw(base, 'amount', JSON.stringify(Array(100_000).fill(1))) },
  { name: 'NUL in a string', body: (base) => withRaw(base, 'description', '"a\\u0000b"') },
  { name: 'NUL in a name', body: (base) => withRaw(base, 'name', '"\\u0000"') },
  { name: 'NUL in metadata key and value', body: (base) => withRaw(base, 'metadata', '{"\\u0000":"\\u0000"}') },
  { name: 'NUL in the url', body: (base) => withRaw(base, 'url', '"https://example.com/\\u0000"') },
  { name: 'raw NUL byte in the JSON text', body: (base) => Buffer.concat([Buffer.from(JSON.stringify(base).slice(0, -1)), Buffer.from([0]), Buffer.from('}')]) },
  { name: 'emoji and astral chars', body: (base) => withRaw(base, 'description', JSON.stringify('💳🏦𝕏 \u{1F600}\u{10FFFF}')) },
  { name: 'emoji currency', body: (base) => withRaw(base, 'currency', '"💵"') },
  { name: 'lone surrogate', body: (base) => withRaw(base, 'name', '"\\ud800"') },
  { name: 'lone surrogate in email', body: (base) => withRaw(base, 'email', '"a\\udc00@example.com"') },
  { name: 'lone surrogate in customer_email', body: (base) => withRaw(base, 'customer_email', '"\\ud800"') },
  { name: 'lone surrogate in a metadata key', body: (base) => withRaw(base, 'metadata', '{"\\udfff":"x"}') },
  { name: 'amount 2^53+1 as raw text', body: (base) => withRaw(base, 'amount', '9007199254740993') },
  { name: 'amount with 30 digits', body: (base) => withRaw(base, 'amount', '123456789012345678901234567890') },
  { name: 'amount 1e21', body: (base) => withRaw(base, 'amount', '1e21') },
  { name: 'amount -0', body: (base) => withRaw(base, 'amount', '-0') },
  { name: 'amount -0.0', body: (base) => withRaw(base, 'amount', '-0.0') },
  { name: 'simulate_delay_ms -0', body: (base) => withRaw(base, 'simulate_delay_ms', '-0') },
  { name: 'amount 1e309', body: (base) => withRaw(base, 'amount', '1e309') },
  { name: 'amount -1e309', body: (base) => withRaw(base, 'amount', '-1e309') },
  { name: 'simulate_delay_ms 1e309', body: (base) => withRaw(base, 'simulate_delay_ms', '1e309') },
  { name: '__proto__ at top level', body: (base) => withRaw(base, '__proto__', '{"polluted":"yes"}') },
  { name: '__proto__ escaped', body: (base) => withRaw(base, '__pro\\u0074o__', '{"polluted":"yes"}').replace('"__pro\\\\u0074o__"', '"__pro\\u0074o__"') },
  { name: 'constructor.prototype at top level', body: (base) => withRaw(base, 'constructor', '{"prototype":{"polluted":"yes"}}') },
  { name: 'prototype at top level', body: (base) => withRaw(base, 'prototype', '{"polluted":"yes"}') },
  { name: 'constructor as a string', body: (base) => withRaw(base, 'constructor', '"x"') },
  { name: '__proto__ nested in metadata', body: (base) => withRaw(base, 'metadata', '{"__proto__":{"polluted":"yes"}}') },
  { name: 'constructor.prototype nested in metadata', body: (base) => withRaw(base, 'metadata', '{"constructor":{"prototype":{"polluted":"yes"}}}') },
  {
    name: '__proto__ nested in payment_method.card',
    body: (base) => withRaw(base, 'payment_method', '{"type":"card","card":{"number":"4242424242424242","exp_month":1,"exp_year":2040,"__proto__":{"polluted":"yes"}}}'),
  },
  { name: 'metadata keys named like Object members', body: (base) => withRaw(base, 'metadata', '{"toString":"x","hasOwnProperty":"y","valueOf":"z"}') },
  { name: 'duplicate keys (last one invalid)', body: (base) => `${withRaw(base, 'amount', '1000').slice(0, -1)},"amount":-5}` },
  { name: 'duplicate keys (object after string)', body: (base) => `${withRaw(base, 'currency', '"usd"').slice(0, -1)},"currency":{"$gt":""}}` },
  { name: 'status null', body: (base) => withRaw(base, 'status', 'null') },
  { name: 'enabled_events null', body: (base) => withRaw(base, 'enabled_events', 'null') },
  { name: 'url null', body: (base) => withRaw(base, 'url', 'null') },
  { name: 'amount null', body: (base) => withRaw(base, 'amount', 'null') },
  { name: 'JSON array body', body: () => '[{"amount":1000,"currency":"usd"}]' },
  { name: 'JSON string body', body: () => '"amount"' },
  { name: 'JSON number body', body: () => '1000' },
  { name: 'JSON null body', body: () => 'null' },
  { name: 'JSON true body', body: () => 'true' },
  { name: 'truncated JSON', body: (base) => JSON.stringify(base).slice(0, -1) },
  { name: 'trailing garbage', body: (base) => `${JSON.stringify(base)} x` },
  { name: 'BOM before JSON', body: (base) => `\uFEFF${JSON.stringify(base)}` },
  { name: 'NaN literal', body: (base) => withRaw(base, 'amount', 'NaN') },
  { name: 'single-quoted JSON', body: () => "{'amount': 1000}" },
  { name: 'text/plain', contentType: 'text/plain', body: (base) => JSON.stringify(base) },
  { name: 'form-encoded', contentType: 'application/x-www-form-urlencoded', body: () => 'amount=1000&currency=usd&name=x&url=https%3A%2F%2Fexample.com' },
  { name: 'multipart', contentType: 'multipart/form-data; boundary=XyZ', body: () => '--XyZ\r\nContent-Disposition: form-data; name="amount"\r\n\r\n1000\r\n--XyZ--\r\n' },
  { name: 'application/xml', contentType: 'application/xml', body: () => '<payment><amount>1000</amount></payment>' },
  { name: 'application/octet-stream', contentType: 'application/octet-stream', body: () => Buffer.from([0, 1, 2, 255]) },
  { name: 'application/json-patch+json', contentType: 'application/json-patch+json', body: () => '[{"op":"add","path":"/status","value":"CAPTURED"}]' },
  { name: 'application/json with charset utf-16', contentType: 'application/json; charset=utf-16', body: (base) => JSON.stringify(base) },
  { name: 'content-type with a huge parameter', contentType: `application/json; x=${'a'.repeat(8000)}`, body: (base) => JSON.stringify(base) },
];

const FORM = 'application/x-www-form-urlencoded';
const manyPairs = (count: number) => Array.from({ length: count }, (_, index) => `metadata[k${index}]=v`).join('&');

/** Form bodies (bracket notation) for every route: spliced after the route's base body, encoded as a form. */
const FORM_NASTIES: Array<{ name: string; body: (base: object) => string }> = [
  { name: 'brackets 6 deep', body: (base) => `${stringify(base)}&metadata[a][b][c][d][e][f]=1` },
  { name: 'brackets 50 deep', body: (base) => `${stringify(base)}&x${'[a]'.repeat(50)}=1` },
  { name: '1,001 parameters', body: (base) => `${stringify(base)}&${manyPairs(1001)}` },
  { name: '100,000 parameters', body: () => manyPairs(100_000) },
  { name: '__proto__ brackets', body: (base) => `${stringify(base)}&__proto__[polluted]=yes` },
  { name: 'constructor[prototype] brackets', body: (base) => `${stringify(base)}&constructor[prototype][polluted]=yes` },
  { name: '__proto__ in metadata', body: (base) => `${stringify(base)}&metadata[__proto__][polluted]=yes` },
  { name: 'amount=abc', body: (base) => stringify({ ...base, amount: 'abc' }) },
  { name: 'amount as 30 digits', body: (base) => stringify({ ...base, amount: '123456789012345678901234567890' }) },
  { name: 'amount 1e3', body: (base) => stringify({ ...base, amount: '1e3' }) },
  { name: 'amount -0', body: (base) => stringify({ ...base, amount: '-0' }) },
  { name: 'amount as an array', body: (base) => `${stringify(base)}&amount[]=1&amount[]=2` },
  { name: 'amount twice', body: (base) => `${stringify(base)}&amount=1&amount=2` },
  { name: 'huge array index', body: (base) => `${stringify(base)}&enabled_events[99999999]=*` },
  { name: 'mixed array and object', body: (base) => `${stringify(base)}&metadata[]=x&metadata[a]=y` },
  { name: 'NUL byte', body: (base) => `${stringify(base)}&description=a%00b` },
  { name: 'lone surrogate bytes', body: (base) => `${stringify(base)}&description=%ED%A0%80` },
  { name: 'broken percent-encoding', body: (base) => `${stringify(base)}&description=%E0%A4%A&name=%` },
  { name: 'empty keys and separators', body: (base) => `&&=x&${stringify(base)}&&=` },
  { name: 'key without a value', body: (base) => `${stringify(base)}&capture_method` },
  { name: 'dots are not nesting', body: (base) => `${stringify(base)}&metadata.a=1` },
  { name: 'unknown pm_card id', body: (base) => `${stringify(base)}&payment_method=pm_card_nope` },
  { name: 'payment_method as a test id', body: (base) => `${stringify(base)}&payment_method=pm_card_chargeDeclined` },
  { name: '10 MB form value', body: (base) => `${stringify(base)}&description=${'a'.repeat(10 * 1024 * 1024)}` },
];

const FUZZ_CONNECTOR = 'fuzz_target';

interface Counts {
  [table: string]: number;
}

describe('fuzzed and hostile request bodies on every POST route (fault)', () => {
  let app: TestApp;
  let db: DataSource;
  let merchant: TestMerchant;
  let document: OpenApiDocument;
  let eventId: string;
  let endpointId: string;
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
  const histogram: Record<string, number> = {};
  let sent = 0;
  const violations: string[] = [];

  beforeAll(async () => {
    // API role: no delivery worker (a fuzzed endpoint URL is never called).
    app = await startTestApp({ PROCESS_ROLE: 'api' });
    db = app.sandbox.app.get(DataSource);
    merchant = await createMerchant(app.http, 'fuzz');
    document = (await app.http.get('/openapi.json').expect(200)).body;
    endpointId = (await app.http.post('/v1/webhook-endpoints').set(bearer(merchant)).send({ url: 'https://hooks.example.test/f' }).expect(201)).body.id;
    const payment = (await app.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 100, currency: 'usd' }).expect(201)).body;
    eventId = (await app.http.get(`/v1/events?payment_id=${payment.id}&limit=1`).set(bearer(merchant)).expect(200)).body.data[0].id;
    // A custom connector no routing uses: fuzzed profiles and outages must not fail the payments other routes need.
    await app.http.post('/v1/connectors').set(bearer(merchant)).send({ id: FUZZ_CONNECTOR, methods: ['card'] }).expect(201);
  });

  afterAll(async () => {
    // Leaves no endpoints or pending deliveries behind for later suites' delivery workers.
    await app.http.delete('/v1/merchants/me').set(bearer(merchant));
    await app.close();
  });

  /** A real id for each path parameter: capture/cancel/refund get a fresh payment per request so valid bodies can succeed. */
  const PATH_IDS: Record<string, () => Promise<string>> = {
    '/v1/payments/{id}/capture': () => newPayment('manual'),
    '/v1/payments/{id}/cancel': () => newPayment('manual'),
    '/v1/payments/{id}/refunds': () => newPayment('automatic'),
    '/v1/events/{id}/resend': async () => eventId,
    '/v1/webhook-endpoints/{id}': async () => endpointId,
    '/v1/webhook-endpoints/{id}/rotate-secret': async () => endpointId,
    '/v1/reviews/{id}/approve': () => newReview(),
    '/v1/connectors/{id}': async () => FUZZ_CONNECTOR,
    '/v1/connectors/{id}/outages': async () => FUZZ_CONNECTOR,
    '/v1/connectors/{id}/circuit': async () => FUZZ_CONNECTOR,
    '/v1/payments/{id}/customer-action': () => newPendingPayment(),
    '/v1/3ds/{token}': async () => new URL((await pendingChallenge()).next_action.redirect_to_url.url).pathname.split('/').pop() as string,
  };

  /** A body the route accepts, which the nasties are spliced into. */
  const BASE_BODIES: Record<string, object> = {
    '/v1/merchants': { name: 'fuzz merchant' },
    '/v1/api-keys': { name: 'fuzz key' },
    '/v1/payments': { amount: 1000, currency: 'usd' },
    '/v1/webhook-endpoints': { url: 'https://hooks.example.test/n' },
    '/v1/webhook-endpoints/{id}': { description: 'patched' },
    '/v1/risk-rules': { action: 'review', predicate: ':amount_in_usd: > 1000000' },
    '/v1/simulation-scenarios': { match: { customer_email: 'fuzz@example.test' }, outcomes: ['card_declined'] },
    '/v1/connectors': { id: 'fuzz_connector', methods: ['card'] },
    '/v1/connectors/{id}/outages': { for: '1s' },
    '/v1/connectors/{id}/circuit': { state: 'closed' },
    '/v1/routing/evaluate': { amount: 1000, currency: 'usd' },
    '/v1/payments/{id}/customer-action': { action: 'approve' },
  };

  /** An open review: the elevated-risk test card matches the default review rule. */
  async function newReview(): Promise<string> {
    const card = { number: '4000000000009235', exp_month: 12, exp_year: 2099 };
    const paymentId = (await app.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 5000, currency: 'usd', payment_method: { type: 'card', card } }).expect(201)).body.id;
    const reviews = (await app.http.get('/v1/reviews?status=open&limit=100').set(bearer(merchant)).expect(200)).body.data as Array<{ id: string; payment_id: string }>;
    return reviews.find((review) => review.payment_id === paymentId)!.id;
  }

  async function newPendingPayment(): Promise<string> {
    const body = { amount: 5000, currency: 'inr', payment_method: { type: 'upi', upi: { vpa: 'success@sandbox', flow: 'collect' } } };
    return (await app.http.post('/v1/payments').set(bearer(merchant)).send(body).expect(201)).body.id;
  }

  async function pendingChallenge() {
    const body = { amount: 5000, currency: 'usd', payment_method: { type: 'card', card: { number: '4000002760003184', exp_month: 12, exp_year: 2040 } } };
    return (await app.http.post('/v1/payments').set(bearer(merchant)).send(body).expect(201)).body;
  }

  async function newPayment(captureMethod: 'automatic' | 'manual'): Promise<string> {
    return (await app.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 5000, currency: 'usd', capture_method: captureMethod }).expect(201))
      .body.id;
  }

  function routes(): Route[] {
    const list: Route[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const method of ['post', 'patch'] as const) {
        const operation = operations[method];
        if (!operation) continue;
        list.push({ key: `${method.toUpperCase()} ${path}`, method, path, schema: operation.requestBody?.content?.['application/json']?.schema });
      }
    }
    return list;
  }

  async function counts(): Promise<Counts> {
    const [row] = await db.query(
      `SELECT (SELECT count(*)::int FROM payments WHERE merchant_id = $1) AS payments,
              (SELECT count(*)::int FROM payment_history h JOIN payments p ON p.id = h.payment_id WHERE p.merchant_id = $1) AS payment_history,
              (SELECT count(*)::int FROM refunds WHERE merchant_id = $1) AS refunds,
              (SELECT count(*)::int FROM events WHERE merchant_id = $1) AS events,
              (SELECT count(*)::int FROM webhook_endpoints WHERE merchant_id = $1) AS webhook_endpoints,
              (SELECT count(*)::int FROM webhook_deliveries WHERE merchant_id = $1) AS webhook_deliveries,
              (SELECT count(*)::int FROM api_keys) AS api_keys,
              (SELECT count(*)::int FROM merchants) AS merchants,
              (SELECT count(*)::int FROM idempotency_keys WHERE merchant_id = $1) AS idempotency_keys,
              (SELECT count(*)::int FROM connectors WHERE merchant_id = $1) AS connectors,
              (SELECT count(*)::int FROM payment_attempts WHERE merchant_id = $1) AS payment_attempts,
              (SELECT md5(string_agg(c::text, ',' ORDER BY id)) FROM connectors c WHERE merchant_id = $1) AS connectors_hash,
              (SELECT md5(string_agg(w::text, ',' ORDER BY id)) FROM webhook_endpoints w WHERE merchant_id = $1) AS endpoints_hash`,
      [merchant.id],
    );
    return row;
  }

  /** Problems with one response (empty when it is fine). */
  function check(response: Response, before: Counts, after: Counts): string[] {
    const problems: string[] = [];
    histogram[response.status] = (histogram[response.status] ?? 0) + 1;
    if (response.status >= 500) problems.push(`status ${response.status}`);
    if (STACK_PATTERN.test(response.text) && response.status >= 400) problems.push('stack-like text in the body');
    if (response.status >= 300) {
      const body = response.body as { error?: Record<string, unknown> };
      const error = body?.error;
      if (!error || Object.keys(body).length !== 1) problems.push(`not an error body: ${response.text.slice(0, 200)}`);
      else {
        const extra = Object.keys(error).filter((key) => !ERROR_KEYS.has(key));
        if (extra.length) problems.push(`unexpected error keys ${extra.join(',')}`);
        const spec = ERROR_CODES[error.code as ErrorCode];
        if (!spec) problems.push(`undocumented code ${String(error.code)}`);
        else if (spec.status !== response.status || spec.type !== error.type) problems.push(`code ${String(error.code)} with status ${response.status}/${String(error.type)}`);
        if (typeof error.message !== 'string' || error.message.length === 0) problems.push('no message');
        if (error.request_id !== response.headers['request-id']) problems.push('request_id differs from the Request-Id header');
        if (error.param !== undefined && typeof error.param !== 'string') problems.push('param is not a string');
      }
      if (!/^application\/json/.test(response.headers['content-type'] ?? '')) problems.push(`content-type ${response.headers['content-type']}`);
      const code = String(error?.code ?? '');
      for (const table of Object.keys(before)) {
        if (table === 'idempotency_keys' && !VALIDATION_CODES.has(code)) continue; // a domain outcome (409, 404…) is a stored answer by design
        // Keys that expired on a merchant clock the fuzz advanced may be swept meanwhile: only a stored key counts.
        const changed = table === 'idempotency_keys' ? after[table] > before[table] : before[table] !== after[table];
        if (changed) problems.push(`${table} changed ${before[table]} → ${after[table]} on a rejected request`);
      }
    }
    const polluted = Object.getOwnPropertyNames(Object.prototype).sort();
    if (JSON.stringify(polluted) !== JSON.stringify(prototypeKeys) || ({} as Record<string, unknown>).polluted !== undefined) {
      problems.push('Object.prototype polluted');
    }
    return problems;
  }

  async function send(route: Route, body: string | Buffer, contentType = 'application/json', key?: string): Promise<string[]> {
    return (await sendFull(route, body, contentType, key)).problems;
  }

  async function sendFull(route: Route, body: string | Buffer, contentType = 'application/json', key?: string): Promise<{ response: Response; problems: string[] }> {
    const path = route.path.includes('{') ? route.path.replace(/\{[^}]+\}/g, await PATH_IDS[route.path]()) : route.path;
    const before = await counts();
    let request = app.http[route.method](path).set(bearer(merchant)).set('Content-Type', contentType);
    if (key !== undefined) request = request.set('Idempotency-Key', key);
    const response = await request.send(body);
    sent += 1;
    const after = await counts();
    return { response, problems: check(response, before, after) };
  }

  it('every POST/PATCH route with a path parameter has an id factory and every route has a base body or no schema', () => {
    const all = routes();
    expect(all.length).toBeGreaterThan(0);
    expect(all.filter((route) => route.path.includes('{') && !PATH_IDS[route.path]).map((route) => route.key)).toEqual([]);
    expect(all.filter((route) => route.schema && resolve(route.schema, document).required?.length && !BASE_BODIES[route.path]).map((r) => r.key)).toEqual([]);
  });

  it(`fast-check bodies from the OpenAPI schemas (${RUNS_PER_ROUTE} per route)`, async () => {
    const started = Date.now();
    const perRoute: Record<string, number> = {};
    for (const route of routes()) {
      await fc.assert(
        fc.asyncProperty(bodyArbitrary(route, document), idempotencyKey, async (body, key) => {
          const problems = await send(route, JSON.stringify(body) ?? '', 'application/json', key);
          perRoute[route.key] = (perRoute[route.key] ?? 0) + 1;
          if (problems.length) throw new Error(`${route.key} ${JSON.stringify(body)?.slice(0, 300)}: ${problems.join('; ')}`);
        }),
        { numRuns: RUNS_PER_ROUTE },
      );
    }
    console.log(JSON.stringify({ scenario: 'input-fuzz/generated', routes: Object.keys(perRoute).length, requests: sent, status_histogram: histogram, ms: Date.now() - started }));
  }, 120_000);

  it(`a body invalid in one known field is never accepted, and the error names that field (${RUNS_PER_ROUTE} per route)`, async () => {
    const started = Date.now();
    const perRoute: Record<string, number> = {};
    for (const route of routes()) {
      if (!route.schema) continue;
      const schema = resolve(route.schema, document);
      const base = BASE_BODIES[route.path] ?? {};
      await fc.assert(
        fc.asyncProperty(mutationArbitrary(schema, document), async ({ field, value, code }) => {
          const body = { ...base, [field]: value };
          const { response, problems } = await sendFull(route, JSON.stringify(body));
          perRoute[route.key] = (perRoute[route.key] ?? 0) + 1;
          const error = (response.body as { error?: { code?: string; param?: string } })?.error;
          const namesField = error?.param === field || String(error?.param).startsWith(`${field}.`);
          if (response.status !== 400 || error?.code !== code || !namesField) {
            problems.push(`want 400 ${code} naming ${field}, got ${response.status} ${JSON.stringify(error)}`);
          }
          if (problems.length) throw new Error(`${route.key} ${JSON.stringify(body).slice(0, 300)}: ${problems.join('; ')}`);
        }),
        { numRuns: RUNS_PER_ROUTE },
      );
    }
    expect(Object.keys(perRoute).length).toBeGreaterThan(0);
    console.log(JSON.stringify({ scenario: 'input-fuzz/one-bad-field', routes: perRoute, ms: Date.now() - started }));
  }, 120_000);

  it('hand-picked nasties on every POST/PATCH route', async () => {
    const started = Date.now();
    const sentBefore = sent;
    const nastyHistogram: Record<string, number> = {};
    for (const route of routes()) {
      const base = BASE_BODIES[route.path] ?? {};
      for (const nasty of NASTIES) {
        const statusBefore = { ...histogram };
        const problems = await send(route, nasty.body(base), nasty.contentType);
        for (const [status, n] of Object.entries(histogram)) {
          const delta = n - (statusBefore[status] ?? 0);
          if (delta) nastyHistogram[status] = (nastyHistogram[status] ?? 0) + delta;
        }
        if (problems.length) violations.push(`${route.key} [${nasty.name}]: ${problems.join('; ')}`);
      }
    }
    console.log(
      JSON.stringify({
        scenario: 'input-fuzz/nasties',
        routes: routes().length,
        nasties: NASTIES.length,
        requests: sent - sentBefore,
        status_histogram: nastyHistogram,
        violations: violations.length,
        ms: Date.now() - started,
      }),
    );
    expect(violations).toEqual([]);
  }, 120_000);

  it(`form-encoded bodies: fast-check bodies from the schemas (${RUNS_PER_ROUTE / 2} per route) and form nasties`, async () => {
    const started = Date.now();
    const sentBefore = sent;
    for (const route of routes()) {
      await fc.assert(
        fc.asyncProperty(bodyArbitrary(route, document), idempotencyKey, async (body, key) => {
          const form = stringify(body, { arrayFormat: 'brackets' });
          const problems = await send(route, form, FORM, key);
          if (problems.length) throw new Error(`${route.key} form ${form.slice(0, 300)}: ${problems.join('; ')}`);
        }),
        { numRuns: Math.max(1, Math.floor(RUNS_PER_ROUTE / 2)) },
      );
      const base = BASE_BODIES[route.path] ?? {};
      for (const nasty of FORM_NASTIES) {
        const problems = await send(route, nasty.body(base), FORM);
        if (problems.length) violations.push(`${route.key} [form: ${nasty.name}]: ${problems.join('; ')}`);
      }
    }
    console.log(JSON.stringify({ scenario: 'input-fuzz/form', requests: sent - sentBefore, violations: violations.length, ms: Date.now() - started }));
    expect(violations).toEqual([]);
  }, 180_000);

  it('Object.prototype is untouched after everything', () => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    console.log(JSON.stringify({ scenario: 'input-fuzz', total_requests: sent, status_histogram: histogram, prototype_polluted: false }));
  });
});
