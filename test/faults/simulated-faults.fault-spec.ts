import { createEndpoint, createMerchant, FaultCluster, outboxCounts, partialPayments, paymentBody, report } from './support/cluster';
import { call, runPool } from './support/http-client';
import { IntegratorResult, postLikeAnIntegrator, TryOutcome } from './support/integrator-client';
import { waitFor } from './support/processes';

jest.setTimeout(180_000);

const FAULTS = ['api_error', 'service_unavailable', 'connection_reset', 'lost_response'] as const;
type Fault = (typeof FAULTS)[number];
/**
 * How the fault is asked for: `body` — simulate in the body on every try (the body is what the key
 * fingerprints, so a retry repeats it); `header` — Sandbox-Simulate on every try (a suite that sets
 * it on its client); `header_once` — Sandbox-Simulate on the first try only (a fault-injecting proxy).
 */
const WAYS = ['body', 'header', 'header_once'] as const;
type Way = (typeof WAYS)[number];

const KEYS_PER_CELL = 15;
const MAX_TRIES = 3;
const BACKOFF_MS = 50;
const CONCURRENCY = 12;
const EVENTS_PER_PAYMENT = 3; // payment.created, payment.authorized, payment.captured
/** Longer than a sweep interval plus its grace (FAULT_DEFAULTS): a late duplicate would show up. */
const QUIET_PERIOD_MS = 1_500;
const PATH = '/simulated-faults';

const FAILED_TRY: Record<Exclude<Fault, 'lost_response'>, TryOutcome> = {
  api_error: 500,
  service_unavailable: 503,
  connection_reset: 'no_answer',
};

/** What an integrator's tries must look like for a cell, and whether the key ends with a payment. */
function expectedTries(fault: Fault, way: Way): { tries: TryOutcome[]; commits: boolean; replayed: boolean } {
  if (fault === 'lost_response') return { tries: ['no_answer', 201], commits: true, replayed: true };
  const failed = FAILED_TRY[fault];
  if (way === 'header_once') return { tries: [failed, 201], commits: true, replayed: false };
  return { tries: Array(MAX_TRIES).fill(failed), commits: false, replayed: false };
}

interface Cell {
  fault: Fault;
  way: Way;
  keys: string[];
}

/**
 * Issue 16: the API's own simulated faults against the built API and worker processes on Postgres
 * and Redis, driven by a client that retries like a real integrator (same Idempotency-Key and body,
 * retries on no answer / 5xx, honours Retry-After, gives up after 3 tries). Exact counts: payments
 * committed per key (0 or 1, never 2), each lost response recorded once on its payment, every event
 * of a committed payment delivered once, nothing for the faults that commit nothing.
 */
describe('simulated API faults with a retrying client (built processes, Postgres + Redis)', () => {
  let cluster: FaultCluster;

  beforeAll(async () => {
    cluster = await FaultCluster.start();
  });

  afterAll(async () => {
    await cluster?.destroy();
  });

  it('commits exactly what each fault promises, once per key, and delivers exactly those payments\' webhooks', async () => {
    const started = Date.now();
    const api = await cluster.startApi('api');
    await cluster.startWorker();
    const merchant = await createMerchant(api.baseUrl, 'simulated faults');
    await createEndpoint(api.baseUrl, merchant, cluster.receiver.url(PATH));
    const runId = `${process.pid}-${Date.now()}`;

    const cells: Cell[] = FAULTS.flatMap((fault) =>
      WAYS.map((way) => ({ fault, way, keys: Array.from({ length: KEYS_PER_CELL }, (_, i) => `sim-${runId}-${fault}-${way}-${i}`) })),
    );
    const jobs = cells.flatMap((cell) => cell.keys.map((key, i) => ({ cell, key, index: i })));
    const results = await runPool(jobs.length, CONCURRENCY, async (n): Promise<IntegratorResult> => {
      const { cell, key, index } = jobs[n];
      const body = { ...paymentBody(n), metadata: { cell: `${cell.fault}/${cell.way}`, index: String(index) } };
      return postLikeAnIntegrator({
        baseUrl: api.baseUrl,
        apiKey: merchant.key,
        path: '/v1/payments',
        body: cell.way === 'body' ? { ...body, simulate: cell.fault } : body,
        idempotencyKey: key,
        headers: cell.way === 'header' ? { 'sandbox-simulate': cell.fault } : {},
        firstTryHeaders: cell.way === 'header_once' ? { 'sandbox-simulate': cell.fault } : {},
        maxTries: MAX_TRIES,
        backoffMs: BACKOFF_MS,
      });
    });
    const resultByKey = new Map(results.map((result) => [result.key, result]));

    // What Postgres holds, per key.
    const rows = await cluster.postgres.query<{ key: string; payments: number; ids: string[] }>(
      `SELECT split_part(idempotency_key, '#', 1) AS key, count(*)::int AS payments, array_agg(id) AS ids
         FROM payments WHERE merchant_id = $1 GROUP BY 1`,
      [merchant.id],
    );
    const stored = new Map(rows.map((row) => [row.key, row]));
    const faultRows = await cluster.postgres.query<{ payment_id: string; fault: string; operation: string; same_request: boolean }>(
      `SELECT f.payment_id, f.fault, f.operation,
              f.request_id = (SELECT h.request_id FROM payment_history h WHERE h.payment_id = f.payment_id ORDER BY h.id LIMIT 1) AS same_request
         FROM simulated_faults f WHERE f.merchant_id = $1`,
      [merchant.id],
    );
    const counts = await outboxCounts(cluster.postgres, merchant.id);

    // Every webhook of a committed payment reaches the receiver; nothing else does.
    await waitFor(
      'every event delivered',
      async () => {
        const now = await outboxCounts(cluster.postgres, merchant.id);
        return cluster.receiver.uniqueIds(PATH).size === counts.events && now.succeeded === counts.deliveries ? true : undefined;
      },
      60_000,
      100,
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${cluster.receiver.uniqueIds(PATH).size}/${counts.events} delivered\n${cluster.outputs()}`);
    });
    await new Promise((resolve) => setTimeout(resolve, QUIET_PERIOD_MS));
    const eventIds = new Set(
      (await cluster.postgres.query<{ id: string }>('SELECT id FROM events WHERE merchant_id = $1', [merchant.id])).map((row) => row.id),
    );
    const received = cluster.receiver.uniqueIds(PATH);

    const metrics = (await call<string>(api.baseUrl, 'GET', '/metrics')).body;
    const served = (fault: Fault) => {
      const line = metrics.split('\n').find((candidate) => candidate.startsWith(`sandbox_simulated_faults_total{fault="${fault}",operation="payment.create"}`));
      return line ? Number(line.split(' ').pop()) : 0;
    };

    // Per cell: the tries each key saw, the keys that committed, and the mismatches (all must be 0).
    const perCell = cells.map((cell) => {
      const expected = expectedTries(cell.fault, cell.way);
      const cellResults = cell.keys.map((key) => resultByKey.get(key)!);
      return {
        cell: `${cell.fault}/${cell.way}`,
        tries: expected.tries.join(','),
        keys_as_expected: cellResults.filter((r) => JSON.stringify(r.tries) === JSON.stringify(expected.tries)).length,
        committed: cell.keys.filter((key) => stored.has(key)).length,
        expected_committed: expected.commits ? KEYS_PER_CELL : 0,
        answer_is_the_stored_payment: cellResults.filter((r) => r.status === 201 && stored.get(r.key)?.ids[0] === r.id).length,
        replayed: cellResults.filter((r) => r.replayed).length,
        expected_replayed: expected.replayed ? KEYS_PER_CELL : 0,
      };
    });
    const lostKeys = cells.filter((cell) => cell.fault === 'lost_response').flatMap((cell) => cell.keys);
    const lostPayments = new Set(lostKeys.map((key) => stored.get(key)?.ids[0]));
    const committedExpected = perCell.reduce((sum, cell) => sum + cell.expected_committed, 0);
    const expectedServed = (fault: Fault) =>
      fault === 'lost_response' ? lostKeys.length : KEYS_PER_CELL * (MAX_TRIES + MAX_TRIES + 1); // body and header: every try; header_once: the first

    const summary = {
      scenario: 'simulated-faults',
      keys: jobs.length,
      tries: results.reduce((sum, r) => sum + r.tries.length, 0),
      cells: Object.fromEntries(perCell.map((cell) => [cell.cell, `${cell.tries} → ${cell.committed} committed, ${cell.replayed} replayed`])),
      keys_not_as_expected: perCell.reduce((sum, cell) => sum + (KEYS_PER_CELL - cell.keys_as_expected), 0),
      payments: counts.payments,
      expected_payments: committedExpected,
      keys_with_several_payments: rows.filter((row) => row.payments > 1).length,
      payments_without_a_committing_key: rows.filter((row) => !perCell.some((cell) => cell.expected_committed && cell.cell === `${keyCell(row.key)}`)).length,
      answers_not_the_stored_payment: perCell.reduce((sum, cell) => sum + (cell.expected_committed - cell.answer_is_the_stored_payment), 0),
      partial_payments: (await partialPayments(cluster.postgres, merchant.id)).length,
      lost_responses_recorded: faultRows.length,
      lost_responses_on_their_payment: faultRows.filter((row) => lostPayments.has(row.payment_id) && row.fault === 'lost_response' && row.operation === 'payment.create' && row.same_request).length,
      events: counts.events,
      expected_events: committedExpected * EVENTS_PER_PAYMENT,
      deliveries_succeeded: counts.succeeded,
      webhooks_received_unique: received.size,
      webhooks_for_unknown_events: [...received].filter((id) => !eventIds.has(id)).length,
      webhook_duplicates: cluster.receiver.duplicates(PATH),
      metric_faults_served: Object.fromEntries(FAULTS.map((fault) => [fault, served(fault)])),
      expected_faults_served: Object.fromEntries(FAULTS.map((fault) => [fault, expectedServed(fault)])),
      seconds: (Date.now() - started) / 1000,
    };
    report(summary);

    for (const cell of perCell) {
      expect(cell).toMatchObject({
        keys_as_expected: KEYS_PER_CELL,
        committed: cell.expected_committed,
        answer_is_the_stored_payment: cell.expected_committed,
        replayed: cell.expected_replayed,
      });
    }
    expect(summary.keys_not_as_expected).toBe(0);
    expect(summary.payments).toBe(summary.expected_payments);
    expect(summary.payments).toBe(KEYS_PER_CELL * 6); // lost_response ×3 ways, the other three faults with header_once
    expect(summary.keys_with_several_payments).toBe(0);
    expect(summary.payments_without_a_committing_key).toBe(0);
    expect(summary.answers_not_the_stored_payment).toBe(0);
    expect(summary.partial_payments).toBe(0);
    expect(summary.lost_responses_recorded).toBe(lostKeys.length);
    expect(summary.lost_responses_on_their_payment).toBe(lostKeys.length);
    expect(summary.events).toBe(summary.expected_events);
    expect(summary.deliveries_succeeded).toBe(summary.events);
    expect(summary.webhooks_received_unique).toBe(summary.events);
    expect(summary.webhooks_for_unknown_events).toBe(0);
    expect(summary.webhook_duplicates).toBe(0);
    expect(summary.metric_faults_served).toEqual(summary.expected_faults_served);
    expect(api.process.isRunning()).toBe(true);
  });
});

/** `sim-<run>-<fault>-<way>-<i>` → `<fault>/<way>`. */
function keyCell(key: string): string {
  const parts = key.split('-');
  return `${parts[parts.length - 3]}/${parts[parts.length - 2]}`;
}
