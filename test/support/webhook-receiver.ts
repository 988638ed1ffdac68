import { createServer, IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  /** Order of arrival across the whole receiver (0-based). */
  seq: number;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

/** What to answer: a status (and body), or 'hang' to never answer (a timeout for the sender). */
export type Reply = { status: number; body?: string; headers?: Record<string, string> } | 'hang';
export type Responder = (request: ReceivedWebhook, attemptForId: number) => Reply;

/**
 * A real HTTP server on 127.0.0.1:<random port> that records every request and answers as
 * programmed (default 200). `attemptForId` counts requests per (path, webhook-id), 1-based.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private responder: Responder = () => ({ status: 200, body: 'ok' });
  private readonly hanging = new Set<ServerResponse>();
  private server?: Server;

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await receiver.listen();
    return receiver;
  }

  private listen(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request: ReceivedWebhook = {
          seq: this.received.length,
          path: req.url ?? '/',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          receivedAt: Date.now(),
        };
        this.received.push(request);
        const id = String(req.headers['webhook-id']);
        const attempt = this.received.filter((r) => r.path === request.path && r.headers['webhook-id'] === id).length;
        const reply = this.responder(request, attempt);
        if (reply === 'hang') {
          this.hanging.add(res);
          res.on('close', () => this.hanging.delete(res));
          return;
        }
        res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
        res.end(reply.body ?? '');
      });
    });
    this.server.keepAliveTimeout = 1_000;
    return new Promise((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
  }

  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  respondWith(responder: Responder): void {
    this.responder = responder;
  }

  /** Requests that hit `path`. */
  at(path: string): ReceivedWebhook[] {
    return this.received.filter((request) => request.path === path);
  }

  /** Parsed bodies of the requests to `path` (default all). */
  events(path?: string): Array<{ id: string; type: string; data: { object: Record<string, unknown> } }> {
    return (path ? this.at(path) : this.received).map((request) => JSON.parse(request.body));
  }

  uniqueIds(path?: string): Set<string> {
    return new Set((path ? this.at(path) : this.received).map((request) => String(request.headers['webhook-id'])));
  }

  /** Answers every hanging request with `status`. */
  releaseHanging(status = 200): void {
    for (const res of this.hanging) {
      res.writeHead(status);
      res.end('released');
    }
    this.hanging.clear();
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** The two delivery adapters the webhook suites run against. */
export type DeliveryMode = 'bullmq' | 'in-process';
export const DELIVERY_MODES: DeliveryMode[] = ['bullmq', 'in-process'];

/** A Redis key prefix no other run (or test) shares. */
export function uniqueRedisPrefix(label: string): string {
  return `test-wh-${label}-${process.pid}-${Date.now()}`;
}

/** Env for startTestApp / workers in a mode: fast sweeps and polls, an isolated BullMQ prefix. */
export function deliveryEnv(mode: DeliveryMode, redisUrl: string, prefix: string): Record<string, string> {
  const common = { WEBHOOK_POLL_INTERVAL_MS: '50', WEBHOOK_SWEEP_INTERVAL_MS: '200', WEBHOOK_SWEEP_GRACE_MS: '300' };
  return mode === 'bullmq' ? { ...common, REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix } : { ...common, REDIS_URL: '' };
}

/** Deletes every key under `prefix` (never FLUSHALL: other runs share this Redis). */
export async function deleteRedisPrefix(redisUrl: string, prefix: string): Promise<number> {
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}
