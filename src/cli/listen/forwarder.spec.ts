import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { forwardEvent, listenSecret } from './forwarder';

describe('listen forwarder', () => {
  let server: Server;
  let received: Array<{ headers: IncomingHttpHeaders; body: string }>;
  let status: number;
  let url: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  });
  beforeEach(() => {
    received = [];
    status = 200;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('signs each POST so the standardwebhooks library verifies it with the session secret', async () => {
    const secret = listenSecret('sk_test_abc');
    const body = JSON.stringify({ id: 'evt_1', object: 'event', type: 'payment.captured', data: { object: { id: 'pay_1' } } });
    const result = await forwardEvent(url, secret, 'evt_1', body);
    expect(result).toEqual({ status: 200, durationMs: expect.any(Number) });
    const [request] = received;
    expect(request.body).toBe(body);
    expect(request.headers['webhook-id']).toBe('evt_1');
    const verified = new Webhook(secret.replace(/^whsec_/, '')).verify(request.body, request.headers as Record<string, string>);
    expect(verified).toEqual(JSON.parse(body));
    expect(() => new Webhook(listenSecret('sk_test_other').replace(/^whsec_/, '')).verify(request.body, request.headers as Record<string, string>)).toThrow();
  });

  it('the secret is a whsec_ secret, stable per API key and different across keys', () => {
    expect(listenSecret('sk_test_a')).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(listenSecret('sk_test_a')).toBe(listenSecret('sk_test_a'));
    expect(listenSecret('sk_test_a')).not.toBe(listenSecret('sk_test_b'));
  });

  it('reports the local app\'s status, and a connection failure as an error (no throw)', async () => {
    status = 500;
    expect(await forwardEvent(url, listenSecret('k'), 'evt_2', '{}')).toMatchObject({ status: 500 });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await forwardEvent(`http://127.0.0.1:${port}/hooks`, listenSecret('k'), 'evt_3', '{}');
    expect(refused).toMatchObject({ status: null, error: expect.stringMatching(/ECONNREFUSED/) });
  });
});
