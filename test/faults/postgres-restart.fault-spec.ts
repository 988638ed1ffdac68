import { createEndpoint, createMerchant, createPayment, FaultCluster, outboxCounts, partialPayments, report } from './support/cluster';
import { NoAnswerError, tally } from './support/http-client';
import { waitFor } from './support/processes';

jest.setTimeout(120_000);

/** The app's Postgres connect timeout (src/database/data-source-options.ts) is 5 s: a 503 must not take much longer. */
const SLOWEST_503_BOUND_MS = 10_000;

const CONCURRENCY = 8;
/** Longer than the pool's 5 s connect timeout: an answer must come before it, a hang fails the test. */
const CLIENT_TIMEOUT_MS = 10_000;
const BEFORE_STOP = 100;
const DURING_OUTAGE = 40;
const MIN_OUTAGE_MS = 2_000;
const AFTER_RESTART = 60;
const PATH = '/postgres-restart';

interface Outcome {
  phase: 'before' | 'outage' | 'after';
  status: number | string;
  durationMs: number;
  paymentId?: string;
  error?: { type?: string; code?: string; message?: string; request_id?: string };
  raw?: string;
}

/**
 * Issue 7 scenario 3: the throwaway Postgres is stopped (pg_ctl stop -m fast) and started again
 * while clients keep creating payments. During the outage every request answers promptly with the
 * standard 503 api_error `service_unavailable` body (no hang, no 500, no stack); the service then
 * recovers by itself (the pool reconnects); no payment is left partial and none acknowledged is lost.
 */
describe('Postgres restarted under load', () => {
  let cluster: FaultCluster;

  beforeAll(async () => {
    cluster = await FaultCluster.start();
  });

  afterAll(async () => {
    await cluster?.destroy();
  });

  it('answers 503 service_unavailable during the outage, recovers by itself, leaves no partial payment', async () => {
    const started = Date.now();
    const api = await cluster.startApi('all');
    const merchant = await createMerchant(api.baseUrl, 'postgres restart');
    await createEndpoint(api.baseUrl, merchant, cluster.receiver.url(PATH));

    let phase: Outcome['phase'] = 'before';
    const outcomes: Outcome[] = [];
    const count = (p: Outcome['phase']) => outcomes.filter((o) => o.phase === p).length;
    let firstSuccessAfterRestartMs: number | undefined;
    let restartedAt = 0;
    let stop = false;
    let index = 0;

    const lane = async () => {
      while (!stop) {
        const startedIn = phase;
        const i = index++;
        try {
          const response = await createPayment(api.baseUrl, merchant, i, { timeoutMs: CLIENT_TIMEOUT_MS });
          const body = response.body as { id?: string; error?: Outcome['error'] };
          outcomes.push({
            phase: startedIn,
            status: response.status,
            durationMs: response.durationMs,
            paymentId: response.status === 201 ? body.id : undefined,
            error: body.error,
            raw: response.status === 201 ? undefined : JSON.stringify(response.body),
          });
          if (startedIn === 'after' && response.status === 201 && firstSuccessAfterRestartMs === undefined) {
            firstSuccessAfterRestartMs = Date.now() - restartedAt;
          }
        } catch (error) {
          const status = error instanceof NoAnswerError ? `no_answer:${error.reason}` : `client_error:${(error as Error).message}`;
          outcomes.push({ phase: startedIn, status, durationMs: (error as NoAnswerError).durationMs ?? 0 });
        }
      }
    };
    const lanes = Array.from({ length: CONCURRENCY }, lane);

    await waitFor('load before the outage', () => (count('before') >= BEFORE_STOP ? true : undefined), 60_000, 5);
    phase = 'outage';
    await cluster.postgres.stopServer('fast');
    const stoppedAt = Date.now();
    await waitFor(
      'requests during the outage',
      () => (count('outage') >= DURING_OUTAGE && Date.now() - stoppedAt >= MIN_OUTAGE_MS ? true : undefined),
      60_000,
      5,
    );
    await cluster.postgres.startServer();
    restartedAt = Date.now();
    phase = 'after';
    await waitFor(
      'recovery',
      () => (outcomes.filter((o) => o.phase === 'after' && o.status === 201).length >= AFTER_RESTART ? true : undefined),
      60_000,
      10,
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(tally(outcomes.filter((o) => o.phase === 'after').map((o) => o.status)))}\n${cluster.outputs()}`);
    });
    stop = true;
    await Promise.all(lanes);

    const unexpected = outcomes.filter((o) => o.status !== 201 && o.status !== 503);
    const badBodies = outcomes.filter((o) => o.status === 503 && !isCleanUnavailable(o));
    const acknowledged = outcomes.filter((o) => o.paymentId).map((o) => o.paymentId!);
    const stored = new Set(
      (await cluster.postgres.query<{ id: string }>('SELECT id FROM payments WHERE merchant_id = $1', [merchant.id])).map((row) => row.id),
    );
    const counts = await outboxCounts(cluster.postgres, merchant.id);
    await waitFor(
      'every event delivered after the restart',
      async () => ((await outboxCounts(cluster.postgres, merchant.id)).succeeded === counts.deliveries ? true : undefined),
      30_000,
      200,
    );

    const summary = {
      scenario: 'postgres-restart',
      requests: outcomes.length,
      before: tally(outcomes.filter((o) => o.phase === 'before').map((o) => o.status)),
      outage: tally(outcomes.filter((o) => o.phase === 'outage').map((o) => o.status)),
      after: tally(outcomes.filter((o) => o.phase === 'after').map((o) => o.status)),
      slowest_503_ms: Math.max(0, ...outcomes.filter((o) => o.status === 503).map((o) => o.durationMs)),
      outage_ms: restartedAt - stoppedAt,
      first_201_after_restart_ms: firstSuccessAfterRestartMs,
      payments: counts.payments,
      acknowledged: acknowledged.length,
      acknowledged_missing: acknowledged.filter((id) => !stored.has(id)).length,
      stored_not_acknowledged: counts.payments - acknowledged.length,
      partial_payments: (await partialPayments(cluster.postgres, merchant.id)).length,
      events: counts.events,
      expected: counts.events,
      unique: cluster.receiver.uniqueIds(PATH).size,
      duplicates: cluster.receiver.duplicates(PATH),
      seconds: (Date.now() - started) / 1000,
    };
    report(summary);
    if (unexpected.length > 0) console.log(errorLines(api.process.output()));
    expect(unexpected.map((o) => `${o.phase} ${o.status} ${o.raw ?? ''}`)).toEqual([]);
    expect(badBodies.map((o) => o.raw)).toEqual([]);
    expect(outcomes.some((o) => o.phase === 'outage' && o.status === 503)).toBe(true);
    // "Quickly": a 503 comes within the bounded connect timeout (5 s) plus slack for this machine, not after a hang.
    expect(summary.slowest_503_ms).toBeLessThan(SLOWEST_503_BOUND_MS);
    expect(summary.acknowledged_missing).toBe(0);
    expect(summary.partial_payments).toBe(0);
    expect(summary.unique).toBe(counts.events);
    expect(api.process.isRunning()).toBe(true);
  });
});

/** The API's log without the expected "Dependency unavailable" warnings. */
function errorLines(output: string): string {
  return output
    .split('\n')
    .filter((line) => !line.includes(' WARN '))
    .join('\n')
    .slice(0, 8_000);
}

function isCleanUnavailable(outcome: Outcome): boolean {
  const error = outcome.error;
  return (
    error?.type === 'api_error' &&
    error.code === 'service_unavailable' &&
    typeof error.request_id === 'string' &&
    !/\bat .+:\d+:\d+|stack|Error:|QueryFailed|ECONN|postgres/i.test(outcome.raw ?? '')
  );
}
