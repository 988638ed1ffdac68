import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { EventView } from '../events/dto/event.view';
import { SseConnection } from './sse-connection';

/** A response whose client never reads: every write stays buffered, as with a stalled TCP peer. */
class StalledResponse extends Writable {
  headers: Record<string, string> = {};
  constructor() {
    super({ highWaterMark: 16 });
  }
  writeHead(_status: number, headers: Record<string, string>): this {
    this.headers = headers;
    return this;
  }
  override _write(): void {
    // never calls back: the buffer only grows
  }
}

const event = (n: number): EventView => ({ id: `evt_${n}`, object: 'event', type: 'payment.created', sequence: n, created_at: '2026-01-01T00:00:00.000Z', data: { object: { n, pad: 'x'.repeat(200) } } });

describe('SseConnection', () => {
  it('drops a client that falls more than the buffer bound behind, instead of buffering forever', () => {
    const response = new StalledResponse();
    let dropped = 0;
    let closed = false;
    const connection = new SseConnection(response as unknown as ServerResponse, {
      heartbeatMs: 60_000,
      maxBufferedBytes: 4_096,
      headers: {},
      onDropped: () => dropped++,
    });
    connection.onClose(() => (closed = true));
    let accepted = 0;
    for (let n = 0; n < 1_000 && connection.send(event(n)); n++) accepted++;
    expect(accepted).toBeGreaterThan(5);
    expect(accepted).toBeLessThan(40);
    expect(dropped).toBe(1);
    expect(closed).toBe(true);
    expect(response.destroyed).toBe(true);
    expect(connection.send(event(9_999))).toBe(false);
    expect(response.headers['Content-Type']).toMatch(/^text\/event-stream/);
  });
});
