import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirLockedError } from '../src/database/embedded-postgres';
import { DEMO_MERCHANT_ID, DemoSeed } from '../src/merchants/demo-seed';
import { bearer, createMerchant, eventually, startTestApp, TestApp } from './support/test-app';
import { WebhookReceiver } from './support/webhook-receiver';

jest.setTimeout(180_000); // restarts of a file-backed PGlite: slow on a loaded machine

/** Embedded mode whatever the suite's mode: no DATABASE_URL, no REDIS_URL, PGlite files in `dataDir`. */
function startEmbedded(dataDir: string, env: Record<string, string> = {}): Promise<TestApp> {
  return startTestApp({ DATABASE_URL: '', REDIS_URL: '', SANDBOX_DATA_DIR: dataDir, RUN_MIGRATIONS: 'true', SEED_DEMO: 'false', ...env });
}

describe('embedded mode (e2e)', () => {
  let dataDir: string;
  const running: TestApp[] = [];

  async function start(env: Record<string, string> = {}): Promise<TestApp> {
    const app = await startEmbedded(dataDir, env);
    running.push(app);
    return app;
  }

  async function stop(app: TestApp): Promise<void> {
    running.splice(running.indexOf(app), 1);
    await app.close();
  }

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sandbox-embedded-'));
  });

  afterEach(async () => {
    for (const app of running.splice(0)) await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts with neither DATABASE_URL nor REDIS_URL, processes payments, and keeps them across a restart', async () => {
    const first = await start();
    expect(first.config.embeddedDatabase).toBe(true);
    expect(first.config.redisUrl).toBeUndefined();
    expect(first.sandbox.connection.poolSize).toBe(1);
    expect(first.sandbox.connection.location).toContain(dataDir);
    const ready = await first.http.get('/health/ready').expect(200);
    expect(ready.body.checks.database).toBe('ok');
    const merchant = await createMerchant(first.http);
    const automatic = await first.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 1234, currency: 'eur' }).expect(201);
    expect(automatic.body).toMatchObject({ status: 'CAPTURED', amount: 1234, currency: 'EUR', amount_captured: 1234 });
    const manual = await first.http
      .post('/v1/payments')
      .set(bearer(merchant))
      .send({ amount: 5000, currency: 'usd', capture_method: 'manual' })
      .expect(201);
    await first.http.post(`/v1/payments/${manual.body.id}/capture`).set(bearer(merchant)).send({ amount: 3000 }).expect(200);
    await stop(first);
    expect(existsSync(join(dataDir, 'sandbox.lock'))).toBe(false);

    // Same data dir: the migrations are already recorded there, the rows are all back.
    const second = await start();
    const again = await second.http.get(`/v1/payments/${manual.body.id}`).set(bearer(merchant)).expect(200);
    expect(again.body).toMatchObject({ id: manual.body.id, status: 'CAPTURED', amount: 5000, amount_captured: 3000 });
    const list = await second.http.get('/v1/payments').set(bearer(merchant)).expect(200);
    expect(list.body.data.map((payment: { id: string }) => payment.id)).toEqual([manual.body.id, automatic.body.id]);
    const events = await second.http.get(`/v1/events?payment_id=${manual.body.id}`).set(bearer(merchant)).expect(200);
    expect(events.body.data.map((event: { type: string }) => event.type)).toEqual(
      expect.arrayContaining(['payment.created', 'payment.authorized', 'payment.captured']),
    );
  });

  it('refuses a second process on the same data dir, and takes over a lock left by a crash', async () => {
    const first = await start();
    const second = startEmbedded(dataDir);
    await expect(second).rejects.toThrow(DataDirLockedError);
    await expect(second).rejects.toThrow(new RegExp(`${dataDir}.*in use by a running sandbox`));
    await first.http.get('/health/ready').expect(200);
    await stop(first);

    // A crashed process leaves its lock behind; pid 2^22+1 is above Linux's pid_max, so never running.
    writeFileSync(join(dataDir, 'sandbox.lock'), String(4_194_305));
    const third = await start();
    await third.http.get('/health/ready').expect(200);
  });

  it('resumes pending webhook deliveries after a restart (the outbox is in the database)', async () => {
    const receiver = await WebhookReceiver.start();
    try {
      let healthy = false;
      receiver.respondWith(() => (healthy ? { status: 200, body: 'ok' } : { status: 500, body: 'down' }));
      const env = { WEBHOOK_RETRY_SCHEDULE: '300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms', WEBHOOK_POLL_INTERVAL_MS: '50' };
      const first = await start(env);
      const merchant = await createMerchant(first.http);
      await first.http.post('/v1/webhook-endpoints').set(bearer(merchant)).send({ url: receiver.url('/hook'), enabled_events: ['payment.captured'] }).expect(201);
      const payment = await first.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 700, currency: 'eur' }).expect(201);
      const captured = await first.http.get(`/v1/events?payment_id=${payment.body.id}&type=payment.captured`).set(bearer(merchant)).expect(200);
      const eventId: string = captured.body.data[0].id;
      await eventually(async () => (receiver.at('/hook').length >= 1 ? true : undefined));
      await stop(first);

      healthy = true;
      const second = await start(env);
      const delivery = await eventually(async () => {
        const deliveries = await second.http.get(`/v1/events/${eventId}/deliveries`).set(bearer(merchant)).expect(200);
        return deliveries.body.data[0]?.status === 'succeeded' ? deliveries.body.data[0] : undefined;
      });
      expect(delivery.attempts[0].response_status).toBe(500);
      expect(delivery.attempts.at(-1).response_status).toBe(200);
      expect(new Set(receiver.at('/hook').map((request) => request.headers['webhook-id']))).toEqual(new Set([eventId]));
    } finally {
      await receiver.close();
    }
  });

  describe('demo merchant (SEED_DEMO)', () => {
    const keyFile = () => join(dataDir, 'demo-api-key');
    const demoOf = (app: TestApp) => app.sandbox.app.get(DemoSeed).demo;

    it('is created once, its key kept in the data dir (mode 600) and printed again after a restart', async () => {
      const first = await start({ SEED_DEMO: 'true' });
      const demo = demoOf(first);
      expect(demo).toMatchObject({ merchantId: DEMO_MERCHANT_ID, created: true, apiKey: expect.stringMatching(/^sk_test_/) });
      expect(readFileSync(keyFile(), 'utf8').trim()).toBe(demo!.apiKey);
      expect(statSync(keyFile()).mode & 0o777).toBe(0o600);
      const me = await first.http.get('/v1/merchants/me').set(bearer(demo!.apiKey!)).expect(200);
      expect(me.body).toMatchObject({ id: DEMO_MERCHANT_ID, name: 'Demo merchant' });
      await first.http.post('/v1/payments').set(bearer(demo!.apiKey!)).send({ amount: 100, currency: 'usd' }).expect(201);
      await stop(first);

      const second = await start({ SEED_DEMO: 'true' });
      expect(demoOf(second)).toEqual({ merchantId: DEMO_MERCHANT_ID, created: false, apiKey: demo!.apiKey });
      const keys = await second.http.get('/v1/api-keys').set(bearer(demo!.apiKey!)).expect(200);
      expect(keys.body.data).toHaveLength(1);
      const payments = await second.http.get('/v1/payments').set(bearer(demo!.apiKey!)).expect(200);
      expect(payments.body.data).toHaveLength(1);
    });

    it('issues a fresh key when the kept one is lost, and is off when SEED_DEMO=false', async () => {
      const first = await start({ SEED_DEMO: 'true' });
      const original = demoOf(first)!.apiKey!;
      await stop(first);
      unlinkSync(keyFile());

      const second = await start({ SEED_DEMO: 'true' });
      const reissued = demoOf(second)!;
      expect(reissued).toMatchObject({ merchantId: DEMO_MERCHANT_ID, created: false });
      expect(reissued.apiKey).not.toBe(original);
      expect(readFileSync(keyFile(), 'utf8').trim()).toBe(reissued.apiKey);
      await second.http.get('/v1/merchants/me').set(bearer(reissued.apiKey!)).expect(200);
      await stop(second);

      const third = await start({ SEED_DEMO: 'false' });
      expect(demoOf(third)).toBeUndefined();
    });

    it('is on by default in embedded mode, and in memory it prints the key it just created', async () => {
      const app = await startEmbedded(':memory:', { SEED_DEMO: '' });
      running.push(app);
      expect(app.config.seedDemo).toBe(true);
      const demo = demoOf(app)!;
      expect(demo).toMatchObject({ merchantId: DEMO_MERCHANT_ID, created: true });
      await app.http.get('/v1/merchants/me').set(bearer(demo.apiKey!)).expect(200);
      expect(existsSync(keyFile())).toBe(false);
    });
  });
});
