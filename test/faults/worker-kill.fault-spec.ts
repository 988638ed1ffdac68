import { createEndpoint, createMerchant, createPayment, FaultCluster, outboxCounts, report, SandboxProcess } from './support/cluster';
import { delayed } from './support/fault-receiver';
import { runPool, tally } from './support/http-client';
import { waitFor } from './support/processes';

jest.setTimeout(120_000);

const PAYMENTS_BEFORE_KILL = 90; // 3 events each (created, authorized, captured): 270 deliveries queued
const PAYMENTS_WHILE_DOWN = 20;
const CONCURRENCY = 50;
// A long timeout: requests held at the kill must not time out (and be rescheduled minutes later) if the kill is slow.
const WORKER_ENV = { WEBHOOK_CONCURRENCY: String(CONCURRENCY), WEBHOOK_JOB_LOCK_MS: '1000', WEBHOOK_TIMEOUT_MS: '20000' };
/** The receiver answers this many requests, then holds every further one until the kill. */
const ANSWERED_BEFORE_KILL = 70;
const PATH = '/worker-kill';

/**
 * Issue 7 scenario 1: the worker is SIGKILLed while ~200 deliveries are still pending and up to 50 are
 * in flight (the receiver takes 150 ms per request), then started again. Every event must reach
 * the receiver; the only duplicates allowed are deliveries the receiver had already seen but the
 * dead worker had not yet recorded (the killed jobs).
 */
describe('worker killed mid-delivery', () => {
  let cluster: FaultCluster;

  beforeAll(async () => {
    cluster = await FaultCluster.start();
  });

  afterAll(async () => {
    await cluster?.destroy();
  });

  it('delivers every event after a SIGKILL and restart; duplicates only for the killed jobs', async () => {
    const started = Date.now();
    // Deterministic, whatever this machine's speed: after ANSWERED_BEFORE_KILL answers the receiver holds
    // every request, so the worker can record no more and at least 270 - 70 deliveries are pending at the kill.
    let answered = 0;
    let holding = true;
    const answer = delayed(150);
    cluster.receiver.on(PATH, (req, res, hit) => {
      if (holding && ++answered > ANSWERED_BEFORE_KILL) return; // held: the dead worker never gets the answer
      answer(req, res, hit);
    });
    const api = await cluster.startApi('api');
    const merchant = await createMerchant(api.baseUrl, 'worker kill');
    await createEndpoint(api.baseUrl, merchant, cluster.receiver.url(PATH));

    // The queue fills while no worker runs, so the worker starts with ~200 deliveries due at once.
    const before = await runPool(PAYMENTS_BEFORE_KILL, 10, async (i) => (await createPayment(api.baseUrl, merchant, i)).status);
    expect(tally(before)).toEqual({ '201': PAYMENTS_BEFORE_KILL });
    const queued = await outboxCounts(cluster.postgres, merchant.id);

    let worker: SandboxProcess = await cluster.startWorker({ env: WORKER_ENV });
    await waitFor('the worker to be mid-burst', () => (cluster.receiver.at(PATH).length > ANSWERED_BEFORE_KILL ? true : undefined), 60_000, 5);
    await cluster.kill(worker);
    holding = false;
    const seenAtKill = cluster.receiver.uniqueIds(PATH);
    const atKill = await outboxCounts(cluster.postgres, merchant.id);
    const recorded = new Set(
      (
        await cluster.postgres.query<{ event_id: string }>(
          `SELECT event_id FROM webhook_deliveries WHERE merchant_id = $1 AND status = 'succeeded'`,
          [merchant.id],
        )
      ).map((row) => row.event_id),
    );
    // Received by the receiver but never recorded: the jobs the SIGKILL cut off.
    const killedJobs = new Set([...seenAtKill].filter((id) => !recorded.has(id)));

    // More payments while no worker runs: their deliveries wait in Redis/Postgres.
    const during = await runPool(PAYMENTS_WHILE_DOWN, 10, async (i) => (await createPayment(api.baseUrl, merchant, 1000 + i)).status);
    expect(tally(during)).toEqual({ '201': PAYMENTS_WHILE_DOWN });

    worker = await cluster.startWorker({ env: WORKER_ENV });
    const final = await outboxCounts(cluster.postgres, merchant.id);
    await waitFor(
      'every event delivered after the restart',
      async () => {
        const now = await outboxCounts(cluster.postgres, merchant.id);
        return cluster.receiver.uniqueIds(PATH).size === final.events && now.succeeded === final.deliveries ? true : undefined;
      },
      60_000,
      100,
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${cluster.receiver.uniqueIds(PATH).size}/${final.events}\n${cluster.outputs()}`);
    });

    const hits = cluster.receiver.at(PATH);
    const perId = new Map<string, number>();
    for (const hit of hits) perId.set(hit.webhookId, (perId.get(hit.webhookId) ?? 0) + 1);
    const duplicatedIds = [...perId].filter(([, count]) => count > 1).map(([id]) => id);
    const summary = {
      scenario: 'worker-kill',
      payments: final.payments,
      events: final.events,
      expected: final.events,
      queued_before_start: queued.deliveries,
      pending_at_kill: atKill.pending,
      received_at_kill: seenAtKill.size,
      killed_jobs: killedJobs.size,
      unique: cluster.receiver.uniqueIds(PATH).size,
      received: hits.length,
      duplicates: hits.length - perId.size,
      duplicates_outside_killed_jobs: duplicatedIds.filter((id) => !killedJobs.has(id)).length,
      failed_deliveries: (await outboxCounts(cluster.postgres, merchant.id)).failed,
      seconds: (Date.now() - started) / 1000,
    };
    report(summary);
    expect(summary.pending_at_kill).toBeGreaterThanOrEqual(queued.deliveries - ANSWERED_BEFORE_KILL);
    expect(summary.unique).toBe(final.events);
    expect(summary.duplicates).toBeLessThanOrEqual(summary.killed_jobs);
    expect(summary.duplicates_outside_killed_jobs).toBe(0);
    expect(summary.failed_deliveries).toBe(0);
    expect(worker.process.isRunning()).toBe(true);
  });
});
