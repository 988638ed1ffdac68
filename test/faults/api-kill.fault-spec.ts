import { createMerchant, FaultCluster, paymentBody, report, SandboxProcess } from './support/cluster';
import { call, runPool } from './support/http-client';
import { waitFor } from './support/processes';
import { countBy, retryUntilAnswered } from './support/retrying-client';

jest.setTimeout(120_000);

const KEYS = 150;
const CONCURRENCY = 15;
const KILL_AFTER = 50;
const RETRY_PAUSE_MS = 100;
const KEY_DEADLINE_MS = 60_000;
/**
 * The payment commits, then the response waits this long: a SIGKILL then lands between commit and
 * response for every request in flight, the window this scenario is about.
 */
const COMMIT_TO_RESPONSE_MS = 300;
// A claim left in flight by the killed process is taken over after this (default 60 s).
const API_ENV = { IDEMPOTENCY_LOCK_TIMEOUT: '2s' };

/**
 * Issue 7 scenario 4: the API is SIGKILLed under load while clients create payments with an
 * Idempotency-Key, then started again. Each client retries its key until it gets an answer
 * (connection refused while the API is down, 409 idempotency_key_in_use while the dead request's
 * claim is still locked). Exactly one payment per key, and a replay returns that payment.
 */
describe('API killed under load, clients retry with the same Idempotency-Key', () => {
  let cluster: FaultCluster;

  beforeAll(async () => {
    cluster = await FaultCluster.start({ redis: false });
  });

  afterAll(async () => {
    await cluster?.destroy();
  });

  it('ends with exactly one payment per key, and the replay returns it', async () => {
    const started = Date.now();
    let api: SandboxProcess = await cluster.startApi('api', { env: API_ENV });
    const baseUrl = api.baseUrl;
    const merchant = await createMerchant(baseUrl, 'api kill');
    const runId = `${process.pid}-${Date.now()}`;
    const keyOf = (i: number) => `fault-key-${runId}-${i}`;

    let answered = 0;
    const createUntilAnswered = (i: number) =>
      retryUntilAnswered({
        baseUrl,
        apiKey: merchant.key,
        path: '/v1/payments',
        body: killBody(i),
        idempotencyKey: keyOf(i),
        deadlineMs: KEY_DEADLINE_MS,
        pauseMs: RETRY_PAUSE_MS,
        onAnswer: () => answered++,
      });
    const clients = runPool(KEYS, CONCURRENCY, createUntilAnswered);

    await waitFor('load before the kill', () => (answered >= KILL_AFTER ? true : undefined), 60_000, 2);
    await cluster.kill(api);
    const killedAt = Date.now();
    const answeredAtKill = answered;
    api = await cluster.startApi('api', { env: API_ENV, port: api.port });
    const results = await clients;

    const rows = await cluster.postgres.query<{ key: string; payments: number; ids: string[]; first_created: Date }>(
      `SELECT split_part(idempotency_key, '#', 1) AS key, count(*)::int AS payments, array_agg(id) AS ids, min(created_at) AS first_created
         FROM payments WHERE merchant_id = $1 GROUP BY 1`,
      [merchant.id],
    );
    const byKey = new Map(rows.map((row) => [row.key, row]));
    const replays = await runPool(KEYS, CONCURRENCY, async (i) => {
      const response = await call<{ id: string }>(baseUrl, 'POST', '/v1/payments', {
        key: merchant.key,
        body: killBody(i),
        headers: { 'idempotency-key': keyOf(i) },
      });
      return { status: response.status, id: response.body.id, replayed: response.headers.get('idempotent-replayed') === 'true' };
    });
    const [{ total }] = await cluster.postgres.query<{ total: number }>('SELECT count(*)::int AS total FROM payments WHERE merchant_id = $1', [
      merchant.id,
    ]);

    const hitByKill = results.filter((r) => r.noAnswers > 0);
    const summary = {
      scenario: 'api-kill',
      keys: KEYS,
      answered_at_kill: answeredAtKill,
      statuses: countBy(results.map((r) => r.status)),
      keys_without_answer_at_least_once: hitByKill.length,
      keys_answered_409_in_use: results.filter((r) => r.inUse > 0).length,
      answers_503: results.reduce((sum, r) => sum + r.unavailable, 0),
      // Committed before the kill but answered only after the restart: the commit-to-response window.
      committed_before_kill_answered_after: results.filter(
        (r) => r.answeredAt > killedAt && byKey.get(r.key)!.first_created.getTime() < killedAt,
      ).length,
      payments: total,
      keys_with_one_payment: rows.filter((row) => row.payments === 1).length,
      keys_with_several_payments: rows.filter((row) => row.payments > 1).length,
      answer_matches_stored: results.filter((r) => byKey.get(r.key)?.ids[0] === r.id).length,
      replays_same_payment: replays.filter((replay, i) => replay.status === 201 && replay.replayed && replay.id === results[i].id).length,
      max_tries: Math.max(...results.map((r) => r.tries)),
      seconds: (Date.now() - started) / 1000,
    };
    report(summary);
    expect(summary.statuses).toEqual({ 201: KEYS });
    expect(summary.keys_without_answer_at_least_once).toBeGreaterThan(0);
    expect(summary.committed_before_kill_answered_after).toBeGreaterThan(0);
    expect(summary.payments).toBe(KEYS);
    expect(summary.keys_with_one_payment).toBe(KEYS);
    expect(summary.answer_matches_stored).toBe(KEYS);
    expect(summary.replays_same_payment).toBe(KEYS);
    expect(api.process.isRunning()).toBe(true);
  });
});

function killBody(index: number) {
  return { ...paymentBody(index), simulate_delay_ms: COMMIT_TO_RESPONSE_MS };
}
