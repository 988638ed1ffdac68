import { createEndpoint, createMerchant, createPayment, FaultCluster, FaultMerchant, outboxCounts, report } from './support/cluster';
import { delayed, PathHandler } from './support/fault-receiver';
import { call, runPool, tally } from './support/http-client';
import { waitFor } from './support/processes';

jest.setTimeout(120_000);

const TIMEOUT_MS = 1_000;
const SCHEDULE = ['100ms', '200ms'];
const ATTEMPTS = SCHEDULE.length + 1;
const PAYMENTS = 5; // 3 events each, 6 endpoints each: 90 deliveries
const HUGE_BODY_BYTES = 5 * 1024 * 1024;
/** The slow receiver would answer after this: an attempt cut by the timeout ends long before. */
const SLOW_RECEIVER_MS = 20 * TIMEOUT_MS;
/**
 * A generous deadline (a loaded machine), still far below what a healthy delivery queued behind the
 * bad endpoints' retries would take: 5 endpoints x 15 deliveries x 3 attempts, 1 s each for the slow one.
 */
const HEALTHY_MAX_LATENCY_MS = 10 * TIMEOUT_MS;
const WORKER_ENV = { WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS), WEBHOOK_RETRY_SCHEDULE: SCHEDULE.join(',') };

const status =
  (code: number, headers: Record<string, string> = {}): PathHandler =>
  (_req, res) => {
    res.writeHead(code, { 'content-type': 'text/plain', ...headers });
    res.end(`status ${code}`);
  };

const reset: PathHandler = (req) => req.socket.destroy();

const huge: PathHandler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(HUGE_BODY_BYTES) });
  res.end(Buffer.alloc(HUGE_BODY_BYTES, 'x'));
};

interface Attempt {
  attempt: number;
  response_status: number | null;
  duration_ms: number;
  error: string | null;
  response_body: string | null;
}
interface Delivery {
  endpoint_id: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempt_count: number;
  attempts: Attempt[];
}

/**
 * Issue 7 scenario 5: one merchant, six endpoints on one real receiver: slow (past the timeout),
 * resetting the connection, 302, 410, 200 with a 5 MB body, and healthy. Every attempt is recorded
 * as it happened (status, error text, response body capped at 1 KB), the healthy endpoint keeps
 * getting its deliveries promptly meanwhile, and the 410 disables its endpoint.
 */
describe('receiver misbehaves', () => {
  let cluster: FaultCluster;

  beforeAll(async () => {
    cluster = await FaultCluster.start();
  });

  afterAll(async () => {
    await cluster?.destroy();
  });

  it('records every kind of bad answer, keeps delivering to the healthy endpoint, disables on 410', async () => {
    const started = Date.now();
    const receiver = cluster.receiver;
    receiver
      .on('/slow', delayed(SLOW_RECEIVER_MS))
      .on('/reset', reset)
      .on('/redirect', status(302, { location: receiver.url('/redirect-target') }))
      .on('/gone', status(410))
      .on('/huge', huge);
    const api = await cluster.startApi('api', { env: WORKER_ENV });
    const worker = await cluster.startWorker({ env: WORKER_ENV });
    const merchant = await createMerchant(api.baseUrl, 'receiver misbehaves');
    const paths = ['/slow', '/reset', '/redirect', '/gone', '/huge', '/healthy'] as const;
    const endpoints: Record<string, string> = {};
    for (const path of paths) endpoints[path] = await createEndpoint(api.baseUrl, merchant, receiver.url(path));

    const statuses = await runPool(PAYMENTS, 5, async (i) => (await createPayment(api.baseUrl, merchant, i)).status);
    expect(tally(statuses)).toEqual({ '201': PAYMENTS });
    const counts = await outboxCounts(cluster.postgres, merchant.id);
    await waitFor(
      'every delivery settled',
      async () => ((await outboxCounts(cluster.postgres, merchant.id)).pending === 0 ? true : undefined),
      60_000,
      200,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${cluster.outputs()}`);
    });

    const events = await cluster.postgres.query<{ id: string; created_at: Date }>(
      'SELECT id, created_at FROM events WHERE merchant_id = $1 ORDER BY id',
      [merchant.id],
    );
    const deliveries = (await Promise.all(events.map((event) => listDeliveries(api.baseUrl, merchant, event.id)))).flat();
    const of = (path: string) => deliveries.filter((delivery) => delivery.endpoint_id === endpoints[path]);
    const attemptsOf = (path: string) => of(path).flatMap((delivery) => delivery.attempts);
    const createdAt = new Map(events.map((event) => [event.id, event.created_at.getTime()]));
    const healthyLatencies = receiver.at('/healthy').map((hit) => hit.receivedAt - createdAt.get(hit.webhookId)!);
    const goneEndpoint = await call<{ status: string }>(api.baseUrl, 'GET', `/v1/webhook-endpoints/${endpoints['/gone']}`, { key: merchant.key });

    const hits = Object.fromEntries(paths.map((path) => [path, receiver.at(path).length]));
    // After the 410: a new payment is delivered everywhere else, never to the disabled endpoint.
    expect((await createPayment(api.baseUrl, merchant, 99)).status).toBe(201);
    const after = await outboxCounts(cluster.postgres, merchant.id);
    await waitFor('the new payment delivered to the healthy endpoint', () =>
      receiver.uniqueIds('/healthy').size === after.events ? true : undefined,
    );

    const summary = {
      scenario: 'receiver-misbehaves',
      payments: counts.payments,
      events: counts.events,
      deliveries: counts.deliveries,
      slow: describeEndpoint(of('/slow'), hits['/slow']),
      reset: describeEndpoint(of('/reset'), hits['/reset']),
      redirect: describeEndpoint(of('/redirect'), hits['/redirect']),
      redirect_followed: receiver.at('/redirect-target').length,
      gone: describeEndpoint(of('/gone'), hits['/gone']),
      gone_endpoint_status: goneEndpoint.body.status,
      gone_hits_after_disable: receiver.at('/gone').length - hits['/gone'],
      huge: describeEndpoint(of('/huge'), hits['/huge']),
      huge_max_stored_body: Math.max(...attemptsOf('/huge').map((a) => Buffer.byteLength(a.response_body ?? ''))),
      healthy: describeEndpoint(of('/healthy'), hits['/healthy']),
      healthy_unique: receiver.uniqueIds('/healthy').size,
      healthy_expected: after.events,
      healthy_max_latency_ms: Math.max(...healthyLatencies),
      seconds: (Date.now() - started) / 1000,
    };
    report(summary);

    // Every endpoint got a delivery of every event (the 410 one: until it was disabled), so `every` below is not vacuous.
    for (const path of ['/slow', '/reset', '/redirect', '/huge', '/healthy']) expect({ path, deliveries: of(path).length }).toEqual({ path, deliveries: events.length });
    expect(of('/gone').length).toBeGreaterThan(0);
    expect(events).toHaveLength(counts.events);
    // Slow: each attempt cut at the timeout (long before the receiver would answer), no status, a clear error.
    expect(attemptsOf('/slow')).toHaveLength(events.length * ATTEMPTS);
    expect(of('/slow').every((d) => d.status === 'failed' && d.attempt_count === ATTEMPTS)).toBe(true);
    for (const attempt of attemptsOf('/slow')) {
      expect(attempt).toMatchObject({ response_status: null, error: `timed out after ${TIMEOUT_MS} ms` });
      expect(attempt.duration_ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(attempt.duration_ms).toBeLessThan(SLOW_RECEIVER_MS / 2);
    }
    // Reset: no status, the socket error.
    expect(attemptsOf('/reset')).toHaveLength(events.length * ATTEMPTS);
    expect(of('/reset').every((d) => d.status === 'failed' && d.attempt_count === ATTEMPTS)).toBe(true);
    for (const attempt of attemptsOf('/reset')) {
      expect(attempt.response_status).toBeNull();
      expect(attempt.error).toMatch(/socket hang up|ECONNRESET/);
    }
    // 3xx: a failure with its status, never followed.
    expect(of('/redirect').every((d) => d.status === 'failed' && d.attempt_count === ATTEMPTS)).toBe(true);
    expect(attemptsOf('/redirect')).toHaveLength(events.length * ATTEMPTS);
    expect(attemptsOf('/redirect').every((a) => a.response_status === 302 && a.response_body === 'status 302')).toBe(true);
    expect(summary.redirect_followed).toBe(0);
    // 410: no retry, endpoint disabled, nothing more sent to it.
    expect(of('/gone').every((d) => d.status === 'failed' && d.attempt_count <= 1)).toBe(true);
    expect(attemptsOf('/gone').length).toBeGreaterThan(0);
    expect(attemptsOf('/gone').every((a) => a.response_status === 410)).toBe(true);
    expect(summary.gone_endpoint_status).toBe('disabled');
    expect(summary.gone_hits_after_disable).toBe(0);
    // Huge body: a success; only the first 1 KB is kept.
    // Succeeded, and on its first attempt unless that attempt ran out of time: a 5 MB answer in a 1 s
    // timeout can, on a loaded machine (seen once at load 15); any other failure is a real one.
    expect(of('/huge').every((d) => d.status === 'succeeded' && d.attempts[d.attempts.length - 1].response_status === 200)).toBe(true);
    expect(attemptsOf('/huge').filter((a) => a.response_status !== 200 && a.error !== `timed out after ${TIMEOUT_MS} ms`)).toEqual([]);
    expect(summary.huge_max_stored_body).toBeGreaterThan(0);
    expect(summary.huge_max_stored_body).toBeLessThanOrEqual(1024);
    // Healthy: everything, once, promptly, while the others misbehaved.
    expect(of('/healthy').every((d) => d.status === 'succeeded' && d.attempt_count === 1)).toBe(true);
    expect(summary.healthy_unique).toBe(after.events);
    expect(summary.healthy_max_latency_ms).toBeLessThan(HEALTHY_MAX_LATENCY_MS);
    expect(worker.process.isRunning()).toBe(true);
  });
});

async function listDeliveries(baseUrl: string, merchant: FaultMerchant, eventId: string): Promise<Delivery[]> {
  const response = await call<{ data: Delivery[] }>(baseUrl, 'GET', `/v1/events/${eventId}/deliveries`, { key: merchant.key });
  if (response.status !== 200) throw new Error(`deliveries of ${eventId}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.data;
}

function describeEndpoint(deliveries: Delivery[], requests: number) {
  return {
    deliveries: deliveries.length,
    statuses: tally(deliveries.map((d) => d.status)),
    attempts: deliveries.reduce((sum, d) => sum + d.attempts.length, 0),
    requests_received: requests,
    errors: tally(deliveries.flatMap((d) => d.attempts.map((a) => a.error ?? `HTTP ${a.response_status}`))),
  };
}
