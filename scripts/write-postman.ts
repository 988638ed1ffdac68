import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  POSTMAN_BODY_CHANGES,
  POSTMAN_DEFAULT_TESTS,
  POSTMAN_FIRST_FOLDERS,
  POSTMAN_LAST_FOLDERS,
  POSTMAN_PATH_IDS,
  POSTMAN_QUERY,
  POSTMAN_SIGN_UP,
  POSTMAN_TESTS,
} from './postman-tests';

interface Converter {
  convert(input: { type: 'json'; data: unknown }, options: Record<string, unknown>, callback: (error: Error | null, result: ConversionResult) => void): void;
}

interface ConversionResult {
  result: boolean;
  reason?: string;
  output: Array<{ data: Collection }>;
}
interface Item {
  id?: string;
  name: string;
  item?: Item[];
  request?: {
    method: string;
    url: { path: string[]; query?: Array<{ key: string; value: string; disabled?: boolean }>; variable?: Array<{ key: string; value: string }> };
    auth?: unknown;
    body?: { raw?: string };
    header?: Array<{ key: string; value: string; disabled?: boolean }>;
  };
  response?: Array<{ id?: string; originalRequest?: unknown }>;
  event?: unknown[];
}
interface Collection {
  info: Record<string, unknown>;
  item: Item[];
  event?: unknown[];
  variable?: Array<{ key: string; value: string; type?: string }>;
  auth?: unknown;
}

const ROOT = resolve(__dirname, '..');
const OUT = resolve(ROOT, 'clients', 'postman');
const KNOBS = ['simulate', 'simulate_delay_ms'];
const VARIABLES = ['paymentId', 'refundId', 'eventId', 'endpointId', 'apiKeyId'];

/**
 * `npm run openapi` (after openapi.json): the Postman collection and environment from openapi.json
 * with openapi-to-postmanv2 (tags as folders, examples as bodies), plus test scripts, ids passed
 * between requests, and a stable output (seeded example faker, ids derived from names).
 */
async function main(): Promise<void> {
  const spec = withoutStreams(JSON.parse(readFileSync(resolve(ROOT, 'openapi.json'), 'utf8')));
  const collection = await convert(spec);
  const operations = operationIds(spec);
  const folder = (name: string) => {
    const found = collection.item.find((item) => item.name === name);
    if (!found) throw new Error(`openapi.json has no tag "${name}" (update the folder lists in scripts/postman-tests.ts)`);
    return found;
  };
  const ordered = [...POSTMAN_FIRST_FOLDERS, ...POSTMAN_LAST_FOLDERS];
  collection.item = [
    ...POSTMAN_FIRST_FOLDERS.map(folder),
    ...collection.item.filter((item) => !ordered.includes(item.name)),
    ...POSTMAN_LAST_FOLDERS.map(folder),
  ];
  for (const folder of collection.item) {
    // Within a folder the DELETE runs last (it removes what the others read).
    folder.item = [...(folder.item ?? [])].sort((a, b) => Number(a.request?.method === 'DELETE') - Number(b.request?.method === 'DELETE'));
    for (const item of folder.item) decorate(item, operations);
  }
  collection.auth = { type: 'bearer', bearer: [{ key: 'token', value: '{{apiKey}}', type: 'string' }] };
  collection.event = [{ listen: 'prerequest', script: { type: 'text/javascript', exec: POSTMAN_SIGN_UP } }];
  collection.variable = [{ key: 'baseUrl', value: 'http://localhost:4242', type: 'string' }, { key: 'apiKey', value: '', type: 'string' }, ...VARIABLES.map((key) => ({ key, value: '', type: 'string' }))];
  collection.info._postman_id = stableId('payment-sandbox collection');
  stabilizeIds(collection.item, 'item');
  mkdirSync(OUT, { recursive: true });
  writeFileSync(resolve(OUT, 'payment-sandbox.postman_collection.json'), `${JSON.stringify(collection, null, 2)}\n`);
  writeFileSync(resolve(OUT, 'payment-sandbox.postman_environment.json'), `${JSON.stringify(environment(), null, 2)}\n`);
  console.log(`Wrote ${OUT}/payment-sandbox.postman_{collection,environment}.json`);
}

/** The converter fakes examples with Math.random: seed it so the output only changes when openapi.json does. */
async function convert(spec: unknown): Promise<Collection> {
  const random = Math.random;
  let seed = 42;
  Math.random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  try {
    // Loaded after seeding: its faker keeps a reference to Math.random from load time.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const converter = require('openapi-to-postmanv2') as Converter;
    // parametersResolution is the 4.x+ name; the older two are still read by parts of the converter.
    const resolution = { parametersResolution: 'Example', requestParametersResolution: 'Example', exampleParametersResolution: 'Example' };
    return await new Promise<Collection>((done, fail) =>
      converter.convert({ type: 'json', data: spec }, { folderStrategy: 'Tags', ...resolution, requestNameSource: 'Fallback', indentCharacter: 'Space', alwaysInheritAuthentication: true }, (error, result) => {
        if (error || !result.result) return fail(error ?? new Error(result.reason));
        done(result.output[0].data);
      }),
    );
  } finally {
    Math.random = random;
  }
}

type Spec = { paths: Record<string, Record<string, { operationId: string; responses?: Record<string, { content?: Record<string, unknown> }> }>> };

/** Drops endless responses (Server-Sent Events): a collection run would wait on them forever. */
function withoutStreams<T extends Spec>(spec: T): T {
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const streams = Object.values(operation.responses ?? {}).some((response) => response.content && 'text/event-stream' in response.content);
      if (streams) delete methods[method];
    }
    if (Object.keys(methods).length === 0) delete spec.paths[path];
  }
  return spec;
}

/** `METHOD v1/payments/:id` → operationId. */
function operationIds(spec: Spec): Map<string, string> {
  const map = new Map<string, string>();
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      map.set(`${method.toUpperCase()} ${path.replace(/^\//, '').replace(/\{(\w+)\}/g, ':$1')}`, operation.operationId);
    }
  }
  return map;
}

function decorate(item: Item, operations: Map<string, string>): void {
  const request = item.request!;
  const operationId = operations.get(`${request.method} ${request.url.path.join('/')}`);
  if (!operationId) throw new Error(`no operation for ${request.method} /${request.url.path.join('/')}`);
  delete request.auth;
  // No fixed Idempotency-Key, and no Sandbox-Simulate header: its example is a fault (opt-in per request, like the body knobs).
  request.header = (request.header ?? []).filter((header) => header.key !== 'Idempotency-Key' && header.key !== 'Sandbox-Simulate');
  const pathId = POSTMAN_PATH_IDS[operationId];
  for (const variable of request.url.variable ?? []) if (variable.key === 'id' && pathId) variable.value = `{{${pathId}}}`;
  const query = POSTMAN_QUERY[operationId] ?? {};
  for (const parameter of request.url.query ?? []) {
    parameter.disabled = !(parameter.key in query);
    if (parameter.key in query) parameter.value = query[parameter.key];
  }
  if (request.body?.raw) request.body.raw = JSON.stringify(adjustBody(JSON.parse(request.body.raw), operationId), null, 2);
  const tests = POSTMAN_TESTS[operationId] ?? POSTMAN_DEFAULT_TESTS;
  item.event = [{ listen: 'test', script: { type: 'text/javascript', exec: tests } }];
}

/** Examples as bodies, without the simulation knobs (opt-in per request), plus the run's changes. */
function adjustBody(body: Record<string, unknown>, operationId: string): Record<string, unknown> {
  for (const knob of KNOBS) delete body[knob];
  return { ...body, ...POSTMAN_BODY_CHANGES[operationId] };
}

function stableId(name: string): string {
  const hex = createHash('sha1').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function stabilizeIds(items: Item[], prefix: string): void {
  for (const item of items) {
    const path = `${prefix}/${item.name}`;
    item.id = stableId(path);
    (item.response ?? []).forEach((response, index) => (response.id = stableId(`${path}#${index}`)));
    stabilizeIds(item.item ?? [], path);
  }
}

function environment(): Record<string, unknown> {
  return {
    id: stableId('payment-sandbox environment'),
    name: 'Payment Sandbox (local)',
    values: [
      { key: 'baseUrl', value: 'http://localhost:4242', type: 'default', enabled: true },
      { key: 'apiKey', value: '', type: 'secret', enabled: true },
    ],
    _postman_variable_scope: 'environment',
  };
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
