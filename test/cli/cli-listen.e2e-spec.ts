import type { ChildProcess } from 'node:child_process';
import { Webhook } from 'standardwebhooks';
import { freePort } from '../support/built-app';
import { runCli, spawnCli, startListeningApp } from '../support/cli';
import { TcpProxy } from '../support/tcp-proxy';
import { bearer, createMerchant, eventually, TestApp, TestMerchant } from '../support/test-app';
import { WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(180_000);

interface Listener {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  secret: string;
  stop(): Promise<number | null>;
}

/** Spawns `listen` and resolves once it says Ready (the stream is open), with the secret it printed. */
async function startListen(args: string[], env: Record<string, string>): Promise<Listener> {
  const child = spawnCli(['listen', ...args], env);
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const secret = await eventually(async () => /Webhook signing secret: (whsec_\S+)/.exec(out)?.[1], 60_000).catch((error: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${error.message}; stdout: ${out}; stderr: ${err}`);
  });
  return { child, stdout: () => out, stderr: () => err, secret, stop: () => (child.kill('SIGINT'), exited) };
}

describe('CLI listen: the live stream forwarded as signed webhooks to a local app', () => {
  let app: TestApp;
  let url: string;
  let merchant: TestMerchant;
  let receiver: WebhookReceiver;
  const env = () => ({ SANDBOX_URL: url, SANDBOX_API_KEY: merchant.key });
  const pay = (body: Record<string, unknown> = {}) => app.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 2000, currency: 'usd', ...body }).expect(201);
  const allEventIds = async (): Promise<string[]> => {
    const ids: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await app.http.get('/v1/events').query({ limit: 100, ...(after ? { starting_after: after } : {}) }).set(bearer(merchant)).expect(200);
      ids.push(...page.body.data.map((event: { id: string }) => event.id));
      if (!page.body.has_more) return ids;
      after = ids[ids.length - 1];
    }
  };

  beforeAll(async () => {
    ({ app, url } = await startListeningApp());
    receiver = await WebhookReceiver.start();
  });
  beforeEach(async () => {
    merchant = await createMerchant(app.http);
  });
  afterAll(async () => {
    await receiver.close();
    await app.close();
  });

  it('forwards every event once, signed so standardwebhooks verifies it with the printed secret, and prints --> / <--', async () => {
    const path = '/listen-basic';
    const listener = await startListen(['--forward-to', receiver.url(path)], env());
    try {
      const printed = await runCli(['listen', '--print-secret'], env());
      expect(printed.stdout.trim()).toBe(listener.secret);
      const created = await pay();
      await app.http.post(`/v1/payments/${created.body.id}/refunds`).set(bearer(merchant)).send({ amount: 500 }).expect(201);
      const expected = await allEventIds();
      expect(expected.length).toBeGreaterThanOrEqual(5);
      await eventually(async () => (receiver.uniqueIds(path).size === expected.length ? true : undefined), 30_000);
      const webhook = new Webhook(listener.secret.replace(/^whsec_/, ''));
      for (const request of receiver.at(path)) {
        expect(webhook.verify(request.body, request.headers as Record<string, string>)).toMatchObject({ id: request.headers['webhook-id'], object: 'event' });
      }
      expect([...receiver.uniqueIds(path)].sort()).toEqual([...expected].sort());
      expect(receiver.at(path)).toHaveLength(expected.length);
      expect(listener.stdout()).toMatch(/--> payment\.captured evt_\w+\n<-- \[200\] \d+ ms/);
      expect(listener.stdout()).toMatch(/--> refund\.succeeded evt_\w+\n<-- \[200\] \d+ ms/);
    } finally {
      expect(await listener.stop()).toBe(0);
    }
  });

  it('--events filters by type (exact types and prefixes)', async () => {
    const path = '/listen-filtered';
    const listener = await startListen(['--forward-to', receiver.url(path), '--events', 'payment.captured,refund.*'], env());
    try {
      const created = await pay();
      await app.http.post(`/v1/payments/${created.body.id}/refunds`).set(bearer(merchant)).send({}).expect(201);
      await eventually(async () => (receiver.at(path).length >= 2 ? true : undefined), 30_000);
      await pay({ capture_method: 'manual' });
      const marker = await pay();
      await eventually(async () => (receiver.events(path).some((event) => event.data.object.id === marker.body.id) ? true : undefined), 30_000);
      expect(receiver.events(path).map((event) => event.type).sort()).toEqual(['payment.captured', 'payment.captured', 'refund.succeeded']);
    } finally {
      await listener.stop();
    }
  });

  it('a broken connection is resumed with Last-Event-ID: every event arrives exactly once (unique ids = events)', async () => {
    const path = '/listen-reconnect';
    const proxy = await TcpProxy.start(Number(new URL(url).port));
    const listener = await startListen(['--forward-to', receiver.url(path)], { SANDBOX_URL: proxy.url, SANDBOX_API_KEY: merchant.key });
    try {
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 8; i++) await pay();
        proxy.cutAll();
        for (let i = 0; i < 4; i++) await pay();
        await eventually(async () => (listener.stdout().split('Reconnected').length - 1 > round ? true : undefined), 30_000);
      }
      const expected = await allEventIds();
      expect(expected.length).toBeGreaterThanOrEqual(3 * 12 * 3); // created, authorized, captured per payment
      await eventually(async () => (receiver.uniqueIds(path).size === expected.length ? true : undefined), 60_000);
      expect([...receiver.uniqueIds(path)].sort()).toEqual([...expected].sort());
      expect(receiver.at(path)).toHaveLength(expected.length);
      expect(listener.stderr()).toContain('Stream interrupted');
    } finally {
      await listener.stop();
      await proxy.close();
    }
  });

  it('--since <event id> first forwards the stored events after it (what the app missed), then live ones', async () => {
    const path = '/listen-since';
    await pay();
    const [oldest, ...missed] = (await allEventIds()).reverse();
    const listener = await startListen(['--forward-to', receiver.url(path), '--since', oldest], env());
    try {
      const live = await pay();
      const expected = [...missed, ...(await allEventIds()).filter((id) => !missed.includes(id) && id !== oldest)];
      await eventually(async () => (receiver.uniqueIds(path).size === expected.length ? true : undefined), 30_000);
      expect([...receiver.uniqueIds(path)].sort()).toEqual(expected.sort());
      expect(receiver.events(path).some((event) => event.data.object.id === live.body.id)).toBe(true);
    } finally {
      await listener.stop();
    }
  });

  it('bad input: no --forward-to, a bad URL → exit 2; a refused key → exit 4; no sandbox at the URL → exit 3', async () => {
    const none = await runCli(['listen'], env());
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('listen needs --forward-to');
    const bad = await runCli(['listen', '--forward-to', 'ftp://x'], env());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected an http(s) URL');
    const refused = await runCli(['listen', '--forward-to', receiver.url('/x')], { SANDBOX_URL: url, SANDBOX_API_KEY: 'sk_test_nope' });
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('401');
    const closedUrl = `http://127.0.0.1:${await freePort()}`;
    const unreachable = await runCli(['listen', '--forward-to', receiver.url('/x')], { SANDBOX_URL: closedUrl, SANDBOX_API_KEY: merchant.key });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain('Cannot reach the sandbox');
  });
});
