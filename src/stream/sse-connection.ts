import type { ServerResponse } from 'node:http';
import { EventView } from '../events/dto/event.view';

export interface SseOptions {
  heartbeatMs: number;
  maxBufferedBytes: number;
  headers: Record<string, string>;
  onDropped(): void;
}

/** How long a browser waits before reconnecting (it then sends Last-Event-ID). */
const RETRY_MS = 3_000;

/**
 * One Server-Sent Events response: `id`/`event`/`data` frames, a comment line as heartbeat, and a
 * bound on what may sit unsent in the socket buffer: a client that falls behind is disconnected
 * (it can resume with Last-Event-ID) instead of growing this process's memory.
 */
export class SseConnection {
  private readonly heartbeat: NodeJS.Timeout;
  private open = true;
  private readonly closeHandlers: Array<() => void> = [];

  constructor(
    private readonly response: ServerResponse,
    private readonly options: SseOptions,
  ) {
    response.writeHead(200, {
      ...options.headers,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.write(`retry: ${RETRY_MS}\n\n`);
    this.heartbeat = setInterval(() => this.write(': heartbeat\n\n'), options.heartbeatMs);
    response.on('close', () => this.end());
  }

  onClose(handler: () => void): void {
    if (this.open) this.closeHandlers.push(handler);
    else handler();
  }

  /** Returns false once the connection is gone (closed, or dropped for being too slow). */
  send(event: EventView): boolean {
    return this.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  }

  /** Resolves when the socket has taken what was written so far (at once when nothing waits), or the connection ends. */
  drained(): Promise<void> {
    if (!this.open || !this.response.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.response.off('drain', done);
        this.response.off('close', done);
        resolve();
      };
      this.response.on('drain', done);
      this.response.on('close', done);
    });
  }

  private write(frame: string): boolean {
    if (!this.open) return false;
    if (this.response.writableLength > this.options.maxBufferedBytes) {
      this.options.onDropped();
      this.response.destroy();
      this.end();
      return false;
    }
    this.response.write(frame);
    return true;
  }

  private end(): void {
    if (!this.open) return;
    this.open = false;
    clearInterval(this.heartbeat);
    this.closeHandlers.splice(0).forEach((handler) => handler());
    if (!this.response.writableEnded) this.response.end();
  }
}
