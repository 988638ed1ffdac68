import fc from 'fast-check';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { bearer, createMerchant, startTestApp, TestApp, TestMerchant } from '../support/test-app';

/**
 * Scenario 8 (money invariants under chaos): a fast-check model-based test. Random sequences of
 * create (automatic/manual/declined) / capture (full, partial, too much, failing) / cancel /
 * refund (default, partial, too much, refund_failure) / concurrent refund bursts / concurrent
 * capture-vs-cancel races run against the real API, and after every command the API and the
 * database must agree with a plain model: status and amounts, amount_refunded <= amount_captured
 * <= amount, and exactly one event (and one history row) per committed transition.
 */

const NUM_RUNS = 20;
const MAX_COMMANDS = 25;

type Status = 'AUTHORIZED' | 'CAPTURED' | 'PARTIALLY_REFUNDED' | 'REFUNDED' | 'FAILED' | 'CANCELED';

interface ModelPayment {
  id: string;
  status: Status;
  amount: number;
  captured: number;
  refunded: number;
  /** Expected events of this payment by type (payment.* and refund.*). */
  events: Record<string, number>;
  /** Expected history rows (one per payment transition, creation steps included). */
  transitions: number;
  refundsSucceeded: number;
  refundsFailed: number;
}

interface Model {
  payments: ModelPayment[];
}

interface Real {
  http: TestAgent;
  db: DataSource;
  merchant: TestMerchant;
}

const stats = { runs: 0, commands: {} as Record<string, number>, requests: 0, statuses: {} as Record<string, number>, transitions: 0, checks: 0 };

function count(command: string): void {
  stats.commands[command] = (stats.commands[command] ?? 0) + 1;
}

function bump(events: Record<string, number>, type: string, by = 1): void {
  events[type] = (events[type] ?? 0) + by;
}

const refundable = (p: ModelPayment) => p.status === 'CAPTURED' || p.status === 'PARTIALLY_REFUNDED';
const remaining = (p: ModelPayment) => p.captured - p.refunded;
const percentOf = (base: number, percent: number) => Math.max(1, Math.round((base * percent) / 100));

/** The fields of a payment, refund or error body the commands look at. */
interface ApiBody {
  id: string;
  status?: string;
  amount?: number;
  error?: { code?: string };
}

interface ApiResponse {
  status: number;
  body: ApiBody;
}

async function call(real: Real, path: string, body: object): Promise<ApiResponse> {
  const response = await real.http.post(path).set(bearer(real.merchant)).send(body);
  stats.requests += 1;
  stats.statuses[response.status] = (stats.statuses[response.status] ?? 0) + 1;
  return { status: response.status, body: response.body };
}

function expectError(response: ApiResponse, status: number, code: string): void {
  expect({ status: response.status, code: response.body?.error?.code }).toEqual({ status, code });
}

/** A committed refund: the payment's transition event plus refund.succeeded. */
function applyRefund(p: ModelPayment, amount: number): void {
  p.refunded += amount;
  p.status = p.refunded === p.captured ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
  bump(p.events, p.status === 'REFUNDED' ? 'payment.refunded' : 'payment.partially_refunded');
  bump(p.events, 'refund.succeeded');
  p.transitions += 1;
  p.refundsSucceeded += 1;
}

/** API, database and model agree for one payment; the money invariants hold. */
async function verify(real: Real, p: ModelPayment): Promise<void> {
  stats.checks += 1;
  const response = await real.http.get(`/v1/payments/${p.id}`).set(bearer(real.merchant)).expect(200);
  const api = response.body;
  expect({ id: p.id, status: api.status, amount: api.amount, amount_captured: api.amount_captured, amount_refunded: api.amount_refunded }).toEqual({
    id: p.id,
    status: p.status,
    amount: p.amount,
    amount_captured: p.captured,
    amount_refunded: p.refunded,
  });
  expect(api.amount_refunded).toBeLessThanOrEqual(api.amount_captured);
  expect(api.amount_captured).toBeLessThanOrEqual(api.amount);

  const events = (await real.db.query('SELECT type, count(*)::int AS n FROM events WHERE payment_id = $1 GROUP BY type', [p.id])) as Array<{
    type: string;
    n: number;
  }>;
  expect({ id: p.id, events: Object.fromEntries(events.map((e) => [e.type, e.n])) }).toEqual({ id: p.id, events: p.events });

  const [row] = await real.db.query(
    `SELECT (SELECT count(*)::int FROM payment_history WHERE payment_id = $1) AS history,
            (SELECT count(*)::int FROM refunds WHERE payment_id = $1 AND status = 'SUCCEEDED') AS succeeded,
            (SELECT count(*)::int FROM refunds WHERE payment_id = $1 AND status = 'FAILED') AS failed,
            (SELECT coalesce(sum(amount), 0)::bigint::text FROM refunds WHERE payment_id = $1 AND status = 'SUCCEEDED') AS refunded`,
    [p.id],
  );
  expect({ id: p.id, history: row.history, succeeded: row.succeeded, failed: row.failed, refunded: Number(row.refunded) }).toEqual({
    id: p.id,
    history: p.transitions,
    succeeded: p.refundsSucceeded,
    failed: p.refundsFailed,
    refunded: p.refunded,
  });
}

type Cmd = fc.AsyncCommand<Model, Real>;

class CreateCommand implements Cmd {
  constructor(
    readonly captureMethod: 'automatic' | 'manual',
    readonly amount: number,
    readonly declined: boolean,
  ) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    count('create');
    const body = { amount: this.amount, currency: 'usd', capture_method: this.captureMethod, ...(this.declined ? { simulate: 'card_declined' } : {}) };
    const response = await call(real, '/v1/payments', body);
    expect(response.status).toBe(201);
    const p: ModelPayment = {
      id: response.body.id,
      status: 'AUTHORIZED',
      amount: this.amount,
      captured: 0,
      refunded: 0,
      events: { 'payment.created': 1 },
      transitions: 1,
      refundsSucceeded: 0,
      refundsFailed: 0,
    };
    if (this.declined) {
      p.status = 'FAILED';
      bump(p.events, 'payment.failed');
      p.transitions += 1;
    } else {
      bump(p.events, 'payment.authorized');
      p.transitions += 1;
      if (this.captureMethod === 'automatic') {
        p.status = 'CAPTURED';
        p.captured = this.amount;
        bump(p.events, 'payment.captured');
        p.transitions += 1;
      }
    }
    model.payments.push(p);
    await verify(real, p);
  }
  toString = () => `create(${this.captureMethod}, ${this.amount}${this.declined ? ', declined' : ''})`;
}

abstract class OnPayment implements Cmd {
  constructor(readonly pick: number) {}
  check = (model: Readonly<Model>) => model.payments.length > 0;
  protected target(model: Model): ModelPayment {
    return model.payments[this.pick % model.payments.length];
  }
  abstract run(model: Model, real: Real): Promise<void>;
}

class CaptureCommand extends OnPayment {
  /** percent: of the authorized amount (over 100 = too much); undefined = the full amount. */
  constructor(
    pick: number,
    readonly percent: number | undefined,
    readonly fail: boolean,
  ) {
    super(pick);
  }
  override async run(model: Model, real: Real): Promise<void> {
    count('capture');
    const p = this.target(model);
    const amount = this.percent === undefined ? undefined : percentOf(p.amount, this.percent);
    const body = this.fail ? { simulate: 'bank_error' } : amount === undefined ? {} : { amount };
    const response = await call(real, `/v1/payments/${p.id}/capture`, body);
    if (p.status !== 'AUTHORIZED') expectError(response, 409, 'payment_invalid_state');
    else if (this.fail) {
      expect(response.status).toBe(200);
      p.status = 'FAILED';
      bump(p.events, 'payment.failed');
      p.transitions += 1;
    } else if (amount !== undefined && amount > p.amount) expectError(response, 400, 'capture_exceeds_authorized');
    else {
      expect(response.status).toBe(200);
      p.status = 'CAPTURED';
      p.captured = amount ?? p.amount;
      bump(p.events, 'payment.captured');
      p.transitions += 1;
    }
    await verify(real, p);
  }
  override toString = () => `capture(#${this.pick}, ${this.fail ? 'bank_error' : (this.percent ?? 'full')}${this.percent ? '%' : ''})`;
}

class CancelCommand extends OnPayment {
  override async run(model: Model, real: Real): Promise<void> {
    count('cancel');
    const p = this.target(model);
    const response = await call(real, `/v1/payments/${p.id}/cancel`, {});
    if (p.status !== 'AUTHORIZED') expectError(response, 409, 'payment_invalid_state');
    else {
      expect(response.status).toBe(200);
      p.status = 'CANCELED';
      bump(p.events, 'payment.canceled');
      p.transitions += 1;
    }
    await verify(real, p);
  }
  override toString = () => `cancel(#${this.pick})`;
}

class RefundCommand extends OnPayment {
  /** percent: of what remains refundable (over 100 = too much); undefined = the default (all that remains). */
  constructor(
    pick: number,
    readonly percent: number | undefined,
    readonly failure: boolean,
  ) {
    super(pick);
  }
  override async run(model: Model, real: Real): Promise<void> {
    count(this.failure ? 'refund_failure' : 'refund');
    const p = this.target(model);
    const amount = this.percent === undefined ? undefined : percentOf(Math.max(remaining(p), 1), this.percent);
    const body = { ...(amount === undefined ? {} : { amount }), ...(this.failure ? { simulate: 'refund_failure' } : {}) };
    const response = await call(real, `/v1/payments/${p.id}/refunds`, body);
    const effective = amount ?? remaining(p);
    if (p.status === 'REFUNDED') expectError(response, 400, 'refund_exceeds_captured');
    else if (!refundable(p)) expectError(response, 409, 'payment_invalid_state');
    else if (effective > remaining(p)) expectError(response, 400, 'refund_exceeds_captured');
    else if (this.failure) {
      expect({ status: response.status, refund: response.body.status }).toEqual({ status: 201, refund: 'FAILED' });
      bump(p.events, 'refund.failed');
      p.refundsFailed += 1;
    } else {
      expect({ status: response.status, refund: response.body.status, amount: response.body.amount }).toEqual({
        status: 201,
        refund: 'SUCCEEDED',
        amount: effective,
      });
      applyRefund(p, effective);
    }
    await verify(real, p);
  }
  override toString = () => `refund(#${this.pick}, ${this.percent ?? 'default'}${this.percent ? '%' : ''}${this.failure ? ', refund_failure' : ''})`;
}

/** 2-6 refunds on one payment at once (some may be refund_failure): the row lock must serialise them. */
class RefundBurstCommand extends OnPayment {
  constructor(
    pick: number,
    readonly parts: Array<{ percent: number; failure: boolean }>,
  ) {
    super(pick);
  }
  override async run(model: Model, real: Real): Promise<void> {
    count('refund_burst');
    const p = this.target(model);
    const before = remaining(p);
    const amounts = this.parts.map((part) => ({ amount: percentOf(Math.max(before, 1), part.percent), failure: part.failure }));
    const responses = await Promise.all(
      amounts.map(({ amount, failure }) => call(real, `/v1/payments/${p.id}/refunds`, { amount, ...(failure ? { simulate: 'refund_failure' } : {}) })),
    );
    if (!refundable(p)) {
      for (const response of responses) {
        if (p.status === 'REFUNDED') expectError(response, 400, 'refund_exceeds_captured');
        else expectError(response, 409, 'payment_invalid_state');
      }
      await verify(real, p);
      return;
    }
    // Which ones won depends on the lock order; every outcome must be explainable by some serial order.
    const succeeded = responses.flatMap((r, i) => (r.status === 201 && r.body.status === 'SUCCEEDED' ? [amounts[i].amount] : []));
    const total = succeeded.reduce((sum, amount) => sum + amount, 0);
    expect(total).toBeLessThanOrEqual(before);
    const after = before - total;
    responses.forEach((response, i) => {
      const { amount, failure } = amounts[i];
      if (response.status === 201) {
        expect(response.body.status).toBe(failure ? 'FAILED' : 'SUCCEEDED');
        expect(amount).toBeLessThanOrEqual(before);
        if (failure) {
          bump(p.events, 'refund.failed');
          p.refundsFailed += 1;
        }
      } else {
        expectError(response, 400, 'refund_exceeds_captured');
        // Refused: at its turn less than `amount` remained, and what remained then was at least what remains now.
        expect(amount).toBeGreaterThan(after);
      }
    });
    for (const amount of succeeded) applyRefund(p, amount);
    await verify(real, p);
  }
  override toString = () => `refundBurst(#${this.pick}, ${JSON.stringify(this.parts)})`;
}

/** Capture and cancel of the same payment at once: exactly one wins, the other is 409. */
class CaptureCancelRaceCommand extends OnPayment {
  override async run(model: Model, real: Real): Promise<void> {
    count('capture_cancel_race');
    const p = this.target(model);
    const [capture, cancel] = await Promise.all([call(real, `/v1/payments/${p.id}/capture`, {}), call(real, `/v1/payments/${p.id}/cancel`, {})]);
    if (p.status !== 'AUTHORIZED') {
      expectError(capture, 409, 'payment_invalid_state');
      expectError(cancel, 409, 'payment_invalid_state');
    } else {
      expect([capture.status, cancel.status].sort()).toEqual([200, 409]);
      const loser = capture.status === 200 ? cancel : capture;
      expectError(loser, 409, 'payment_invalid_state');
      if (capture.status === 200) {
        p.status = 'CAPTURED';
        p.captured = p.amount;
        bump(p.events, 'payment.captured');
      } else {
        p.status = 'CANCELED';
        bump(p.events, 'payment.canceled');
      }
      p.transitions += 1;
    }
    await verify(real, p);
  }
  override toString = () => `captureCancelRace(#${this.pick})`;
}

const pick = fc.nat({ max: 50 });
const create = fc
  .tuple(fc.constantFrom('automatic' as const, 'manual' as const), fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 0, max: 4 }).map((roll) => roll === 0))
  .map(([method, amount, declined]) => new CreateCommand(method, amount, declined));
// create twice: fc.commands picks uniformly, and most other commands need a payment in the right state.
const COMMANDS: Array<fc.Arbitrary<Cmd>> = [
  create,
  create,
  fc
    .tuple(pick, fc.option(fc.integer({ min: 1, max: 120 }), { freq: 3 }), fc.integer({ min: 0, max: 9 }))
    .map(([i, percent, roll]) => new CaptureCommand(i, percent ?? undefined, roll === 0)),
  pick.map((i) => new CancelCommand(i)),
  fc
    .tuple(pick, fc.option(fc.integer({ min: 1, max: 120 }), { freq: 3 }), fc.integer({ min: 0, max: 4 }))
    .map(([i, percent, roll]) => new RefundCommand(i, percent ?? undefined, roll === 0)),
  fc
    .tuple(pick, fc.array(fc.record({ percent: fc.integer({ min: 5, max: 80 }), failure: fc.integer({ min: 0, max: 5 }).map((r) => r === 0) }), { minLength: 2, maxLength: 6 }))
    .map(([i, parts]) => new RefundBurstCommand(i, parts)),
  pick.map((i) => new CaptureCancelRaceCommand(i)),
];

describe('money invariants under random concurrent sequences (fault)', () => {
  let app: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    app = await startTestApp({ PROCESS_ROLE: 'api' });
    db = app.sandbox.app.get(DataSource);
  });

  afterAll(async () => {
    await app.close();
  });

  it(`API state matches the model after every command (${NUM_RUNS} runs of up to ${MAX_COMMANDS} commands)`, async () => {
    const started = Date.now();
    let payments = 0;
    await fc.assert(
      fc.asyncProperty(fc.commands(COMMANDS, { maxCommands: MAX_COMMANDS, size: 'max' }), async (commands) => {
        stats.runs += 1;
        const merchant = await createMerchant(app.http, `model ${stats.runs}`);
        const model: Model = { payments: [] };
        const real: Real = { http: app.http, db, merchant };
        await fc.asyncModelRun(() => ({ model, real }), commands);
        // Once more at the end, every payment of the run, and nothing the model does not know about.
        for (const p of model.payments) await verify(real, p);
        const [row] = await db.query(
          `SELECT (SELECT count(*)::int FROM payments WHERE merchant_id = $1) AS payments,
                  (SELECT count(*)::int FROM events WHERE merchant_id = $1) AS events`,
          [merchant.id],
        );
        const expectedEvents = model.payments.reduce((sum, p) => sum + Object.values(p.events).reduce((a, b) => a + b, 0), 0);
        expect(row).toEqual({ payments: model.payments.length, events: expectedEvents });
        payments += model.payments.length;
        stats.transitions += model.payments.reduce((sum, p) => sum + p.transitions, 0);
      }),
      { numRuns: NUM_RUNS },
    );
    console.log(
      JSON.stringify({
        scenario: 'model-money',
        runs: stats.runs,
        commands: stats.commands,
        payments,
        requests: stats.requests,
        status_histogram: stats.statuses,
        committed_transitions: stats.transitions,
        model_checks: stats.checks,
        ms: Date.now() - started,
      }),
    );
  }, 120_000);
});
