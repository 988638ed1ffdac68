import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { ownDatabase, OwnDatabase } from './support/own-database';
import { bearer, createMerchant, eventually, startTestApp, TestApp, TestMerchant } from './support/test-app';
import { isEmbeddedTestMode, TEST_REDIS_URL } from './support/test-env';
import { deleteRedisPrefix, deliveryEnv, DELIVERY_MODES, ReceivedWebhook, uniqueRedisPrefix, WebhookReceiver } from './support/webhook-receiver';

/**
 * Every request a receiver gets verifies with the standardwebhooks library, whatever produced it:
 * a retry, a resend, a worker that started after the event was recorded. Each is signed when it is
 * sent (a fresh webhook-timestamp), and a rotated-out secret stops signing once it expires.
 */
jest.setTimeout(90_000);

const headersOf = (request: ReceivedWebhook) => ({
  'webhook-id': String(request.headers['webhook-id']),
  'webhook-timestamp': String(request.headers['webhook-timestamp']),
  'webhook-signature': String(request.headers['webhook-signature']),
});
const timestampOf = (request: ReceivedWebhook) => Number(request.headers['webhook-timestamp']);
const signaturesOf = (request: ReceivedWebhook) => String(request.headers['webhook-signature']).split(' ');
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Verifies with standardwebhooks (which also checks the timestamp is within 5 minutes of now). */
function expectVerified(secret: string, request: ReceivedWebhook): void {
  expect(new Webhook(secret).verify(request.body, headersOf(request))).toEqual(JSON.parse(request.body));
}

/** Resolves once the wall clock is in a later second than `seconds` (so a fresh timestamp must differ). */
const nextSecondAfter = (seconds: number) => eventually(async () => (nowSeconds() > seconds ? true : undefined), 5_000);

describe.each(DELIVERY_MODES)('webhook signatures (%s)', (mode) => {
  const prefix = uniqueRedisPrefix(`sig-${mode}`);
  // Retries a little over a second apart: each attempt falls in a later second than the one before.
  const env = { ...deliveryEnv(mode, TEST_REDIS_URL, prefix), WEBHOOK_RETRY_SCHEDULE: '1100ms,1100ms' };
  let app: TestApp;
  let receiver: WebhookReceiver;
  let merchant: TestMerchant;
  let pathSeq = 0;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    app = await startTestApp(env);
    merchant = await createMerchant(app.http, `Signatures ${mode}`);
  });

  afterAll(async () => {
    await app.http.delete('/v1/merchants/me').set(bearer(merchant));
    await app.close();
    await receiver.close();
    if (mode === 'bullmq') await deleteRedisPrefix(TEST_REDIS_URL, prefix);
  });

  async function endpoint(target: TestApp = app, owner: TestMerchant = merchant): Promise<{ id: string; secret: string; path: string }> {
    const path = `/sig/${mode}/${++pathSeq}`;
    const response = await target.http.post('/v1/webhook-endpoints').set(bearer(owner)).send({ url: receiver.url(path), enabled_events: ['payment.captured'] }).expect(201);
    return { id: response.body.id, secret: response.body.secret, path };
  }

  const pay = (target: TestApp = app, owner: TestMerchant = merchant) =>
    target.http.post('/v1/payments').set(bearer(owner)).send({ amount: 700, currency: 'usd' }).expect(201);

  it('retries: every attempt verifies, same webhook-id, a fresh timestamp and signature each time', async () => {
    const hook = await endpoint();
    receiver.respondWith((request, attempt) => (request.path === hook.path && attempt <= 2 ? { status: 500 } : { status: 200 }));
    await pay();
    const requests = await eventually(async () => (receiver.at(hook.path).length === 3 ? receiver.at(hook.path) : undefined), 20_000);
    expect(new Set(requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
    for (const request of requests) expectVerified(hook.secret, request);
    const stamps = requests.map(timestampOf);
    expect(stamps[1]).toBeGreaterThan(stamps[0]);
    expect(stamps[2]).toBeGreaterThan(stamps[1]);
    expect(new Set(requests.map((r) => r.headers['webhook-signature'])).size).toBe(3);
  });

  it('resend: the new attempt verifies and carries a fresh timestamp', async () => {
    const hook = await endpoint();
    receiver.respondWith(() => ({ status: 200 }));
    await pay();
    const [first] = await eventually(async () => (receiver.at(hook.path).length === 1 ? receiver.at(hook.path) : undefined));
    const eventId = String(first.headers['webhook-id']);
    await nextSecondAfter(timestampOf(first));
    await app.http.post(`/v1/events/${eventId}/resend`).set(bearer(merchant)).send({}).expect(202);
    const [, resent] = await eventually(async () => (receiver.at(hook.path).length === 2 ? receiver.at(hook.path) : undefined));
    expect(resent.headers['webhook-id']).toBe(eventId);
    expect(resent.body).toBe(first.body);
    expectVerified(hook.secret, resent);
    expect(timestampOf(resent)).toBeGreaterThan(timestampOf(first));
  });

  it('a rotated-out secret signs until it expires; then only the current secret signs', async () => {
    const hook = await endpoint();
    receiver.respondWith(() => ({ status: 200 }));
    const rotated = (await app.http.post(`/v1/webhook-endpoints/${hook.id}/rotate-secret`).set(bearer(merchant)).expect(200)).body;
    await pay();
    const [overlapping] = await eventually(async () => (receiver.at(hook.path).length === 1 ? receiver.at(hook.path) : undefined));
    expect(signaturesOf(overlapping)).toHaveLength(2);
    expectVerified(rotated.secret, overlapping);
    expectVerified(hook.secret, overlapping);

    // The 24 h overlap is over (wall time: the expiry is a lease, not business time).
    await app.sandbox.app
      .get(DataSource)
      .query("UPDATE webhook_endpoints SET previous_secret_expires_at = now() - interval '1 second' WHERE id = $1", [hook.id]);
    const shown = (await app.http.get(`/v1/webhook-endpoints/${hook.id}`).set(bearer(merchant)).expect(200)).body;
    expect(shown.previous_secret_expires_at).toBeNull();
    await pay();
    const [, single] = await eventually(async () => (receiver.at(hook.path).length === 2 ? receiver.at(hook.path) : undefined));
    expect(signaturesOf(single)).toHaveLength(1);
    expectVerified(rotated.secret, single);
    expect(() => new Webhook(hook.secret).verify(single.body, headersOf(single))).toThrow();
  });

  it('deliveries recorded before a restart are signed when sent, after it', async () => {
    // Own storage that survives the restart: a database of its own (full) or a PGlite data directory (embedded).
    const dataDir = isEmbeddedTestMode() ? mkdtempSync(join(tmpdir(), 'sig-restart-')) : undefined;
    const database: OwnDatabase = await ownDatabase(`sig_${mode.replace('-', '_')}`);
    // Its own queue too: the suite's app runs a BullMQ worker on `prefix`, which would take these jobs.
    const restartPrefix = uniqueRedisPrefix(`sig-restart-${mode}`);
    const storage = { ...(dataDir ? { SANDBOX_DATA_DIR: dataDir } : database.env), ...deliveryEnv(mode, TEST_REDIS_URL, restartPrefix) };
    const apiOnly = await startTestApp({ ...env, ...storage, PROCESS_ROLE: 'api' });
    let restarted: TestApp | undefined;
    try {
      const owner = await createMerchant(apiOnly.http, 'Restart');
      const hook = await endpoint(apiOnly, owner);
      receiver.respondWith(() => ({ status: 200 }));
      const recordedAt = nowSeconds();
      await pay(apiOnly, owner);
      await apiOnly.close();
      expect(receiver.at(hook.path)).toHaveLength(0); // no worker ran: nothing sent yet
      await nextSecondAfter(recordedAt);

      const startedAt = nowSeconds();
      restarted = await startTestApp({ ...env, ...storage, RUN_MIGRATIONS: 'true', PROCESS_ROLE: 'all' });
      const [request] = await eventually(async () => (receiver.at(hook.path).length === 1 ? receiver.at(hook.path) : undefined), 20_000);
      expectVerified(hook.secret, request);
      expect(timestampOf(request)).toBeGreaterThanOrEqual(startedAt);
      expect(timestampOf(request)).toBeGreaterThan(recordedAt);
    } finally {
      await restarted?.close();
      await apiOnly.close().catch(() => undefined);
      await database.drop();
      if (mode === 'bullmq') await deleteRedisPrefix(TEST_REDIS_URL, restartPrefix);
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
