import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { installRecordingHandler, recordedRuns, scheduleRecords } from './support/recording-handler';
import { bearer, createMerchant, startTestApp, TestApp } from './support/test-app';

const MINUTE = 60_000;

type Command = { kind: 'schedule'; offsetsMin: number[] } | { kind: 'advance'; byMin: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant('schedule' as const), offsetsMin: fc.array(fc.integer({ min: 1, max: 3 * 24 * 60 }), { minLength: 1, maxLength: 6 }) }),
  fc.record({ kind: fc.constant('advance' as const), byMin: fc.integer({ min: 1, max: 2 * 24 * 60 }) }),
);

jest.setTimeout(180_000);

/**
 * Property: for any sequence of schedule/advance calls (the worker polling all along), after each
 * advance exactly the actions due by then have run, each once, in (due time, id) order, and each
 * saw the clock read its due time.
 */
describe('scheduled actions (property)', () => {
  let app: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    app = await startTestApp({ SCHEDULER_POLL_INTERVAL_MS: '20' });
    db = await installRecordingHandler(app);
  });

  afterAll(async () => {
    await app.close();
  });

  it('every action runs exactly once, in time order, at its due time', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 8 }), async (commands) => {
        const merchant = await createMerchant(app.http, `property ${run++}`);
        const frozen = await app.http.post('/v1/test-clock/freeze').set(bearer(merchant)).expect(200);
        let now = Date.parse(frozen.body.now);
        const scheduled: Array<{ label: string; due: number }> = [];
        for (const step of commands) {
          if (step.kind === 'schedule') {
            const items = step.offsetsMin.map((offset) => ({ label: `s${scheduled.length}-${offset}`, due: now + offset * MINUTE }));
            scheduled.push(...items.map((item, i) => ({ ...item, label: `${item.label}-${i}` })));
            await scheduleRecords(app, merchant.id, items.map((item, i) => ({ label: `${item.label}-${i}`, dueAt: new Date(item.due) })));
          } else {
            const answer = await app.http.post('/v1/test-clock/advance').set(bearer(merchant)).send({ by: `${step.byMin}m` }).expect(200);
            now = Date.parse(answer.body.now);
            await checkRuns(merchant.id, scheduled, now);
          }
        }
      }),
      { numRuns: 15 },
    );
  });

  async function checkRuns(merchantId: string, scheduled: Array<{ label: string; due: number }>, now: number): Promise<void> {
    const runs = await recordedRuns(db, merchantId);
    const expected = scheduled.filter((item) => item.due <= now).map((item) => item.label).sort();
    expect(runs.map((r) => r.label).sort()).toEqual(expected);
    expect(new Set(runs.map((r) => r.action_id)).size).toBe(runs.length);
    const order = runs.map((r) => [r.due_at.getTime(), Number(r.action_id)]);
    const sorted = [...order].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(order).toEqual(sorted);
    for (const r of runs) expect(r.clock_at.getTime()).toBe(r.due_at.getTime());
  }
});
