import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';

export interface Hit {
  path: string;
  webhookId: string;
  receivedAt: number;
  body: string;
}

/** How a path answers. The handler owns `res` (it may delay, destroy the socket, stream a big body...). */
export type PathHandler = (req: IncomingMessage, res: ServerResponse, hit: Hit) => void;

export const ok: PathHandler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('ok');
};

/** 200 after `ms` (a receiver that is slow but within the timeout). */
export const delayed =
  (ms: number): PathHandler =>
  (req, res, hit) => {
    const timer = setTimeout(() => ok(req, res, hit), ms);
    res.on('close', () => clearTimeout(timer));
  };

/**
 * A real receiver on 127.0.0.1:<free port>: records every complete request per path with its
 * webhook-id and answers with the path's handler (default 200 "ok").
 */
export class FaultReceiver {
  readonly hits: Hit[] = [];
  private readonly handlers = new Map<string, PathHandler>();
  private readonly sockets = new Set<Socket>();
  private server?: Server;

  static async start(): Promise<FaultReceiver> {
    const receiver = new FaultReceiver();
    await receiver.listen();
    return receiver;
  }

  private listen(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const path = (req.url ?? '/').split('?')[0];
        const hit: Hit = { path, webhookId: String(req.headers['webhook-id'] ?? ''), receivedAt: Date.now(), body: Buffer.concat(chunks).toString('utf8') };
        this.hits.push(hit);
        (this.handlers.get(path) ?? ok)(req, res, hit);
      });
    });
    this.server.keepAliveTimeout = 2_000;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    return new Promise((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
  }

  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  on(path: string, handler: PathHandler): this {
    this.handlers.set(path, handler);
    return this;
  }

  at(path: string): Hit[] {
    return this.hits.filter((hit) => hit.path === path);
  }

  uniqueIds(path: string): Set<string> {
    return new Set(this.at(path).map((hit) => hit.webhookId));
  }

  /** Requests beyond the first per webhook-id at `path`. */
  duplicates(path: string): number {
    return this.at(path).length - this.uniqueIds(path).size;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
