import { ClientRequest, get } from 'node:http';

/** N live SSE clients on one merchant's stream, each counting the events it receives (`id:` lines). */
export class SseClients {
  private readonly requests: ClientRequest[] = [];
  private readonly counts: number[] = [];

  static async open(base: string, key: string, count: number): Promise<SseClients> {
    const clients = new SseClients();
    await Promise.all(Array.from({ length: count }, (_, index) => clients.connect(base, key, index)));
    return clients;
  }

  private connect(base: string, key: string, index: number): Promise<void> {
    this.counts[index] = 0;
    return new Promise((resolve, reject) => {
      const request = get(`${base}/v1/events/stream`, { headers: { Authorization: `Bearer ${key}`, Accept: 'text/event-stream' } }, (response) => {
        if (response.statusCode !== 200) return reject(new Error(`SSE client ${index}: HTTP ${response.statusCode}`));
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          this.counts[index] += chunk.split('\n').filter((line) => line.startsWith('id: ')).length;
        });
        response.on('error', () => undefined);
        resolve();
      });
      request.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error)));
      this.requests.push(request);
    });
  }

  /** Events received by the slowest and the fastest client. */
  received(): { min: number; max: number } {
    return { min: Math.min(...this.counts), max: Math.max(...this.counts) };
  }

  close(): void {
    for (const request of this.requests) request.destroy();
  }
}
