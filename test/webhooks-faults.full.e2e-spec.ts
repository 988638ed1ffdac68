import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { AppConfig } from '../src/config/app-config';
import { createSandboxWorker, SandboxWorker } from '../src/worker';
import { bearer, createMerchant, eventually, startTestApp, TestApp, TestMerchant } from './support/test-app';
import { TEST_REDIS_URL } from './support/test-env';
import { deleteRedisPrefix, DeliveryMode, deliveryEnv, DELIVERY_MODES, uniqueRedisPrefix, WebhookReceiver } from './support/webhook-receiver';

jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '..');
const FAULT_ENV = { WEBHOOK_TIMEOUT_MS: '1000', WEBHOOK_JOB_LOCK_MS: '1000' };

/** `npm run start:worker` as a real child process, so it can be killed with SIGKILL mid-delivery. */
async function spawnWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/worker.ts'], {
    cwd: ROOT,
    env: { ...process.env, RUN_MIGRATIONS: 'false', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`worker did not start:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Webhook worker started')) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => fail(new Error(`worker exited (${code}):\n${output}`)));
  });
  return child;
}

function kill(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done(child.exitCode);
    child.once('exit', (code) => done(code));
    child.kill(signal);
  });
}

function workerEnv(config: AppConfig, mode: DeliveryMode, prefix: string): Record<string, string> {
  return {
    DATABASE_URL: config.databaseUrl!,
    WEBHOOK_RETRY_SCHEDULE: '50ms,100ms,200ms',
    ...deliveryEnv(mode, TEST_REDIS_URL, prefix),
    ...FAULT_ENV,
  };
}

async function countDeliveries(db: DataSource, merchantId: string): Promise<Record<string, number>> {
  const rows: Array<{ status: string; count: number }> = await db.query(
    `SELECT status, count(*)::int AS count FROM webhook_deliveries WHERE merchant_id = $1 GROUP BY status`,
    [merchantId],
  );
  return Object.fromEntries(rows.map((row) => [row.status, row.count]));
}

async function eventIds(app: TestApp, merchant: TestMerchant): Promise<string[]> {
  const response = await app.http.get('/v1/events?limit=100').set(bearer(merchant)).expect(200);
  return response.body.data.map((event: { id: string }) => event.id);
}

// Full mode only (the e2e-embedded project ignores *.full.e2e-spec.ts): these faults need processes
// that share one database (an API, workers started, killed and restarted), and the embedded mode
// gives every app its own in-memory PGlite; embedded restarts are covered by test/embedded.e2e-spec.ts.
describe.each(DELIVERY_MODES)('nothing is lost (%s)', (mode: DeliveryMode) => {
  const prefix = uniqueRedisPrefix(`faults-${mode}`);
  let api: TestApp;
  let receiver: WebhookReceiver;
  const merchants: TestMerchant[] = [];
  const children: ChildProcess[] = [];
  const workers: SandboxWorker[] = [];

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    api = await startTestApp({ PROCESS_ROLE: 'api', ...deliveryEnv(mode, TEST_REDIS_URL, prefix), ...FAULT_ENV });
  });

  afterAll(async () => {
    for (const child of children) await kill(child);
    for (const worker of workers) await worker.close();
    for (const m of merchants) await api.http.delete('/v1/merchants/me').set(bearer(m));
    await api.close();
    await receiver.close();
    if (mode === 'bullmq') await deleteRedisPrefix(TEST_REDIS_URL, prefix);
  });

  async function merchantWithEndpoints(count: number): Promise<{ merchant: TestMerchant; paths: string[] }> {
    const merchant = await createMerchant(api.http, `Faults ${mode}`);
    merchants.push(merchant);
    const paths: string[] = [];
    for (let i = 0; i < count; i++) {
      const path = `/faults/${mode}/${merchant.id}/${i}`;
      await api.http.post('/v1/webhook-endpoints').set(bearer(merchant)).send({ url: receiver.url(path) }).expect(201);
      paths.push(path);
    }
    return { merchant, paths };
  }

  async function expectEverythingDelivered(merchant: TestMerchant, paths: string[]): Promise<void> {
    const events = await eventIds(api, merchant);
    const db = api.sandbox.app.get(DataSource);
    await eventually(async () => {
      const counts = await countDeliveries(db, merchant.id);
      return counts.succeeded === events.length * paths.length && !counts.pending && !counts.failed ? true : undefined;
    }, 25_000, 50);
    for (const path of paths) expect(receiver.uniqueIds(path)).toEqual(new Set(events));
  }

  it('a worker killed (SIGKILL) mid-delivery and restarted delivers everything', async () => {
    const { merchant, paths } = await merchantWithEndpoints(2);
    let crashed = false;
    receiver.respondWith((request, attempt) => (!crashed && attempt === 1 && request.path.startsWith(`/faults/${mode}/${merchant.id}`) ? 'hang' : { status: 200 }));
    const first = await spawnWorker(workerEnv(api.config, mode, prefix));
    children.push(first);
    for (let i = 0; i < 3; i++) await api.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 700, currency: 'usd' }).expect(201);
    const expected = 3 * 3 * paths.length;
    await eventually(async () => (paths.reduce((n, p) => n + receiver.at(p).length, 0) >= expected ? true : undefined), 10_000);

    await kill(first); // every first attempt is in flight, none recorded
    crashed = true;
    receiver.releaseHanging(200); // the answers go to a dead process
    const db = api.sandbox.app.get(DataSource);
    expect((await countDeliveries(db, merchant.id)).pending).toBe(expected);

    children.push(await spawnWorker(workerEnv(api.config, mode, prefix)));
    await expectEverythingDelivered(merchant, paths);
  });

  if (mode === 'bullmq') {
    it('the sweeper rebuilds the queue after the Redis keys are deleted', async () => {
      const { merchant, paths } = await merchantWithEndpoints(2);
      receiver.respondWith(() => ({ status: 200 }));
      for (let i = 0; i < 3; i++) await api.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 700, currency: 'usd' }).expect(201);
      // No worker runs yet: the jobs sit in Redis. Flush them (this run's prefix only).
      expect(await deleteRedisPrefix(TEST_REDIS_URL, prefix)).toBeGreaterThan(0);
      workers.push(await createSandboxWorker(AppConfig.fromEnv({}, { ...workerEnv(api.config, mode, prefix), LOG_LEVEL: 'error' })));
      await expectEverythingDelivered(merchant, paths);
    });

    it('deliveries created while Redis is unreachable are enqueued by the sweeper later', async () => {
      const down = await startTestApp({ PROCESS_ROLE: 'api', REDIS_URL: 'redis://127.0.0.1:1', REDIS_KEY_PREFIX: prefix, ...FAULT_ENV });
      try {
        const merchant = await createMerchant(down.http, 'Redis down');
        merchants.push(merchant);
        const path = `/faults/${mode}/redis-down`;
        await down.http.post('/v1/webhook-endpoints').set(bearer(merchant)).send({ url: receiver.url(path) }).expect(201);
        for (let i = 0; i < 3; i++) await down.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 700, currency: 'usd' }).expect(201);
        if (workers.length === 0) workers.push(await createSandboxWorker(AppConfig.fromEnv({}, { ...workerEnv(api.config, mode, prefix), LOG_LEVEL: 'error' })));
        await expectEverythingDelivered(merchant, [path]);
      } finally {
        await down.close();
      }
    });
  }
});
