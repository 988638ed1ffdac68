import { DataSource } from 'typeorm';
import { ScheduledActionsService } from '../src/scheduling/scheduled-actions.service';
import { installRecordingHandler, recordedRuns, scheduleRecords } from './support/recording-handler';
import { bearer, createMerchant, eventually, startTestApp, TestApp, TestMerchant } from './support/test-app';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Clock {
  object: string;
  now: string;
  offset_ms: number;
  frozen: boolean;
  status: string;
}

jest.setTimeout(60_000);

describe('test clock (e2e)', () => {
  let app: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    app = await startTestApp({ SCHEDULER_POLL_INTERVAL_MS: '50' });
    db = await installRecordingHandler(app);
  });

  afterAll(async () => {
    await app.close();
  });

  const getClock = async (merchant: TestMerchant): Promise<Clock> =>
    (await app.http.get('/v1/test-clock').set(bearer(merchant)).expect(200)).body;
  const advance = (merchant: TestMerchant, body: unknown) => app.http.post('/v1/test-clock/advance').set(bearer(merchant)).send(body as object);

  it('follows the wall clock until moved', async () => {
    const merchant = await createMerchant(app.http, 'clock default');
    const before = Date.now();
    const clock = await getClock(merchant);
    expect(clock).toEqual({ object: 'test_clock', now: expect.any(String), offset_ms: expect.any(Number), frozen: false, status: 'ready' });
    expect(Math.abs(clock.offset_ms)).toBeLessThan(5);
    expect(Date.parse(clock.now)).toBeGreaterThanOrEqual(before - 5);
  });

  it('advance by and to move it forward; another merchant keeps its own time', async () => {
    const merchant = await createMerchant(app.http, 'clock advance');
    const other = await createMerchant(app.http, 'clock bystander');
    const moved = (await advance(merchant, { by: '7d' }).expect(200)).body as Clock;
    expect(moved.offset_ms).toBeGreaterThanOrEqual(7 * DAY - 50);
    expect(moved.offset_ms).toBeLessThanOrEqual(7 * DAY + 50);
    const target = new Date(Date.parse(moved.now) + 2 * HOUR).toISOString();
    const to = (await advance(merchant, { to: target }).expect(200)).body as Clock;
    // A running clock: it answers after the work ran, a little later than the target.
    expect(Date.parse(to.now)).toBeGreaterThanOrEqual(Date.parse(target));
    expect(Date.parse(to.now) - Date.parse(target)).toBeLessThan(10_000);
    expect(Math.abs((await getClock(other)).offset_ms)).toBeLessThan(5);
  });

  it.each([
    [{ by: '7x' }, 'by', 'parameter_invalid'],
    [{ by: '-1d' }, 'by', 'parameter_invalid'],
    [{ by: '0d' }, 'by', 'parameter_invalid'],
    [{ by: 7 }, 'by', 'parameter_invalid'],
    [{ by: '401d' }, 'by', 'parameter_invalid'],
    [{ to: 'next tuesday' }, 'to', 'parameter_invalid'],
    [{ to: '2020-01-01T00:00:00Z' }, 'to', 'clock_backwards'],
    [{ by: '1d', to: '2099-01-01T00:00:00Z' }, 'to', 'parameter_invalid'],
    [{}, 'by', 'parameter_missing'],
    [{ by: '1d', speed: 2 }, 'speed', 'parameter_unknown'],
  ])('%j → 400 %s (%s), nothing changed', async (body, param, code) => {
    const merchant = await createMerchant(app.http, 'clock bad input');
    await scheduleRecords(app, merchant.id, [{ label: 'tomorrow', dueAt: new Date(Date.now() + DAY) }]);
    const response = await advance(merchant, body).expect(400);
    expect(response.body.error).toMatchObject({ code, param });
    expect(Math.abs((await getClock(merchant)).offset_ms)).toBeLessThan(5);
    expect(await recordedRuns(db, merchant.id)).toEqual([]);
  });

  it('to beyond 400 days → 400 and unchanged', async () => {
    const merchant = await createMerchant(app.http, 'clock too far');
    const response = await advance(merchant, { to: new Date(Date.now() + 401 * DAY).toISOString() }).expect(400);
    expect(response.body.error).toMatchObject({ code: 'parameter_invalid', param: 'to' });
    expect(Math.abs((await getClock(merchant)).offset_ms)).toBeLessThan(5);
  });

  it('freeze stands still, advance moves a frozen clock exactly, unfreeze runs on from there', async () => {
    const merchant = await createMerchant(app.http, 'clock freeze');
    const frozen = (await app.http.post('/v1/test-clock/freeze').set(bearer(merchant)).send({}).expect(200)).body as Clock;
    expect(frozen.frozen).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect((await getClock(merchant)).now).toBe(frozen.now);
    const moved = (await advance(merchant, { by: '90m' }).expect(200)).body as Clock;
    expect(Date.parse(moved.now) - Date.parse(frozen.now)).toBe(90 * 60_000);
    expect(moved.frozen).toBe(true);
    await app.http.post('/v1/test-clock/freeze').set(bearer(merchant)).send({ extra: 1 }).expect(400);
    const running = (await app.http.post('/v1/test-clock/unfreeze').set(bearer(merchant)).expect(200)).body as Clock;
    expect(running.frozen).toBe(false);
    expect(Date.parse(running.now)).toBeGreaterThanOrEqual(Date.parse(moved.now));
    expect(Date.parse(running.now) - Date.parse(moved.now)).toBeLessThan(5_000);
  });

  it('advance runs the due actions in due order, each at its own due time, and leaves later ones', async () => {
    const merchant = await createMerchant(app.http, 'clock drain');
    await app.http.post('/v1/test-clock/freeze').set(bearer(merchant)).expect(200);
    const start = Date.parse((await getClock(merchant)).now);
    const at = (offset: number) => new Date(start + offset);
    await scheduleRecords(app, merchant.id, [
      { label: 'c', dueAt: at(3 * DAY) },
      { label: 'a', dueAt: at(HOUR) },
      { label: 'later', dueAt: at(9 * DAY) },
      { label: 'b', dueAt: at(2 * DAY) },
    ]);
    await advance(merchant, { by: '7d' }).expect(200);
    const runs = await recordedRuns(db, merchant.id);
    expect(runs.map((run) => run.label)).toEqual(['a', 'b', 'c']);
    for (const run of runs) expect(run.clock_at.toISOString()).toBe(run.due_at.toISOString());
    const pending: Array<{ status: string }> = await db.query(
      `SELECT status FROM scheduled_actions WHERE merchant_id = $1 AND payload->>'label' = 'later'`,
      [merchant.id],
    );
    expect(pending).toEqual([{ status: 'pending' }]);
  });

  it('concurrent advances are serialized: every action once, none skipped', async () => {
    const merchant = await createMerchant(app.http, 'clock concurrent');
    await app.http.post('/v1/test-clock/freeze').set(bearer(merchant)).expect(200);
    const start = Date.parse((await getClock(merchant)).now);
    const items = Array.from({ length: 40 }, (_, i) => ({ label: `n${String(i).padStart(2, '0')}`, dueAt: new Date(start + (i + 1) * 3 * HOUR) }));
    await scheduleRecords(app, merchant.id, items);
    const answers = await Promise.all(Array.from({ length: 5 }, () => advance(merchant, { by: '1d' })));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    // Serialized: the five answers are five distinct days.
    const nows = answers.map((answer) => Date.parse(answer.body.now) - start).sort((a, b) => a - b);
    expect(nows).toEqual([1, 2, 3, 4, 5].map((days) => days * DAY));
    const runs = await recordedRuns(db, merchant.id);
    expect(runs.map((run) => run.label)).toEqual(items.filter((item) => item.dueAt.getTime() <= start + 5 * DAY).map((item) => item.label));
    expect(new Set(runs.map((run) => run.action_id)).size).toBe(runs.length);
  });

  it('the worker runs what falls due on the merchant clock without an advance', async () => {
    const merchant = await createMerchant(app.http, 'clock worker');
    const ahead = (await advance(merchant, { by: '30d' }).expect(200)).body as Clock;
    // Due on this merchant's clock (30 days ahead), not yet on the wall clock.
    await scheduleRecords(app, merchant.id, [{ label: 'soon', dueAt: new Date(Date.parse(ahead.now) + 200) }]);
    const runs = await eventually(async () => {
      const found = await recordedRuns(db, merchant.id);
      return found.length > 0 ? found : undefined;
    });
    expect(runs.map((run) => run.label)).toEqual(['soon']);
    expect(runs[0].clock_at.toISOString()).toBe(runs[0].due_at.toISOString());
  });
});

describe('scheduled action failures (e2e)', () => {
  let app: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    app = await startTestApp({ SCHEDULER_POLL_INTERVAL_MS: '50' });
    db = await installRecordingHandler(app);
    const actions = app.sandbox.app.get(ScheduledActionsService);
    // Fails (after writing, which must roll back) until told otherwise.
    actions.registerHandler('test.flaky', async (action, context) => {
      await context.manager.query(
        'INSERT INTO test_action_runs (action_id, merchant_id, label, due_at, clock_at) VALUES ($1, $2, $3, $4, $4)',
        [action.id, action.merchantId, 'flaky-write', action.dueAt],
      );
      if (action.attempts < 1) throw new Error('receiver on fire');
    });
  });

  afterAll(async () => {
    await app.close();
  });

  it('a failing handler rolls back its writes, does not hold up the others, and runs again later', async () => {
    const merchant = await createMerchant(app.http, 'clock flaky');
    await app.http.post('/v1/test-clock/freeze').set(bearer(merchant)).expect(200);
    const start = Date.parse((await app.http.get('/v1/test-clock').set(bearer(merchant)).expect(200)).body.now);
    await scheduleRecords(app, merchant.id, [{ label: 'before', dueAt: new Date(start + HOUR) }]);
    await db.transaction((manager) =>
      app.sandbox.app.get(ScheduledActionsService).schedule(manager, { merchantId: merchant.id, kind: 'test.flaky', dueAt: new Date(start + 2 * HOUR) }),
    );
    await scheduleRecords(app, merchant.id, [{ label: 'after', dueAt: new Date(start + 3 * HOUR) }]);
    await app.http.post('/v1/test-clock/advance').set(bearer(merchant)).send({ by: '1d' }).expect(200);

    expect((await recordedRuns(db, merchant.id)).map((run) => run.label)).toEqual(['before', 'after']);
    const [flaky]: Array<{ status: string; attempts: number; last_error: string }> = await db.query(
      `SELECT status, attempts, last_error FROM scheduled_actions WHERE merchant_id = $1 AND kind = 'test.flaky'`,
      [merchant.id],
    );
    expect(flaky).toEqual({ status: 'pending', attempts: 1, last_error: 'receiver on fire' });
    // The worker tries again after the backoff (1 s on the wall clock) and it succeeds.
    await eventually(async () => {
      const labels = (await recordedRuns(db, merchant.id)).map((run) => run.label);
      return labels.length === 3 ? labels : undefined;
    });
    expect((await recordedRuns(db, merchant.id)).map((run) => run.label)).toEqual(['before', 'after', 'flaky-write']);
  });
});
