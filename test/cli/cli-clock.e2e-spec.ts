import { runCli, startListeningApp } from '../support/cli';
import { bearer, createMerchant, TestApp, TestMerchant } from '../support/test-app';

jest.setTimeout(120_000);

const DAY_MS = 24 * 3600 * 1000;

describe('CLI clock: advance the merchant clock (and what falls due runs)', () => {
  let app: TestApp;
  let url: string;
  let merchant: TestMerchant;
  const cli = (args: string[]) => runCli(args, { SANDBOX_URL: url, SANDBOX_API_KEY: merchant.key });

  beforeAll(async () => {
    ({ app, url } = await startListeningApp());
  });
  beforeEach(async () => {
    merchant = await createMerchant(app.http);
  });
  afterAll(() => app.close());

  it('clock advance 7d moves the clock a week; show prints it', async () => {
    const before = JSON.parse((await cli(['clock', 'show', '--json'])).stdout);
    expect(before.offset_ms).toBe(0);
    const run = await cli(['clock', 'advance', '7d', '--json']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const after = JSON.parse(run.stdout);
    expect(after.offset_ms).toBeGreaterThanOrEqual(7 * DAY_MS);
    expect(Date.parse(after.now) - Date.parse(before.now)).toBeGreaterThanOrEqual(7 * DAY_MS);
    const human = await cli(['clock', 'show']);
    expect(human.stdout).toMatch(/^Clock is at: now \d{4}-\d\d-\d\dT.* \(offset \d+ ms\)\n$/);
  });

  it('an authorization left alone expires when the clock passes capture_before', async () => {
    const triggered = JSON.parse((await cli(['trigger', 'payment.authorized', '--json'])).stdout);
    const advance = await cli(['clock', 'advance', '8d']);
    expect(advance.code).toBe(0);
    const payment = await app.http.get(`/v1/payments/${triggered.payment_id}`).set(bearer(merchant)).expect(200);
    expect(payment.body).toMatchObject({ status: 'CANCELED', cancellation_reason: 'authorization_expired' });
  });

  it('bad input: no duration, a zero or unitless duration → exit 2; backwards → exit 5 with the code', async () => {
    for (const args of [['clock', 'advance'], ['clock', 'advance', '0d'], ['clock', 'advance', '7'], ['clock', 'advance', '7d', '--to', '2030-01-01T00:00:00Z']]) {
      const run = await cli(args);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
    }
    const backwards = await cli(['clock', 'advance', '--to', '2001-01-01T00:00:00Z']);
    expect(backwards.code).toBe(5);
    expect(backwards.stderr).toContain('clock_backwards');
  });
});
