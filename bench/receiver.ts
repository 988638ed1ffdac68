import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/** A local webhook receiver that counts deliveries and event→receipt lag. */
export class BenchReceiver {
  readonly uniqueIds = new Set<string>();
  received = 0;
  /** Wall-clock time (ms) of the first and the latest delivery in this window. */
  firstAt: number | undefined;
  lastAt: number | undefined;
  private lags: number[] = [];
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      void this.handle(request).finally(() => response.writeHead(204).end());
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  private async handle(request: IncomingMessage): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const id = request.headers['webhook-id'];
    const now = Date.now();
    this.received++;
    this.firstAt ??= now;
    this.lastAt = now;
    if (typeof id === 'string') this.uniqueIds.add(id);
    try {
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { created_at: string };
      // Receipt minus the event's created_at (the merchant clock, the wall clock for a bench merchant).
      this.lags.push(now - Date.parse(event.created_at));
    } catch {
      // a body we cannot parse still counts as received; it just has no lag sample
    }
  }

  /** Starts a fresh measurement window (between scenarios). */
  reset(): void {
    this.uniqueIds.clear();
    this.received = 0;
    this.firstAt = undefined;
    this.lastAt = undefined;
    this.lags = [];
  }

  /** Deliveries that arrived more than once (at-least-once: counted, not lost). */
  get duplicates(): number {
    return this.received - this.uniqueIds.size;
  }

  lagMax(): number | null {
    return this.lags.length === 0 ? null : this.lags.reduce((max, lag) => Math.max(max, lag), -Infinity);
  }

  lagPercentile(p: number): number | null {
    if (this.lags.length === 0) return null;
    const sorted = [...this.lags].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
